package io.opsplane.command.config;

import io.opsplane.command.connector.http.DeclarativeHttpTool;
import io.opsplane.command.connector.http.DeclarativeToolLoader;
import io.opsplane.command.connector.http.DeclarativeToolsProperties;
import io.opsplane.command.connector.http.HealthcheckProperties;
import io.opsplane.command.connector.http.TargetGuard;
import io.opsplane.command.connector.http.HealthcheckTool;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in tools, the operator's declarative tools, and the registry that is the only way to
 * run any of them.
 */
@Configuration(proxyBeanMethods = false)
class ToolConfiguration {

    @Bean
    TargetGuard targetGuard(HealthcheckProperties properties) {
        return new TargetGuard(properties.deniedCidrs());
    }

    @Bean
    HealthcheckTool healthcheckTool(TargetGuard guard) {
        return new HealthcheckTool(guard);
    }

    /** The built-in tools are the {@link Tool} beans; declarative ones join them here, never as beans. */
    @Bean
    ToolRegistry toolRegistry(List<Tool> builtIn, ApprovalDefaultsProperties approvals,
                              DeclarativeToolsProperties declared, InputValidator validator, Environment environment) {
        List<Tool> tools = new ArrayList<>(builtIn);
        if (declared.file() != null && !declared.file().isBlank()) {
            Set<String> builtInNames = builtIn.stream().map(t -> t.descriptor().name()).collect(Collectors.toSet());
            List<DeclarativeHttpTool> loaded = new DeclarativeToolLoader(validator, environment::getProperty)
                    .load(Path.of(declared.file()), builtInNames);
            tools.addAll(loaded);
        }
        return new ToolRegistry(tools, approvals.defaultExpiresAfter().toString());
    }

    @Bean
    InputValidator inputValidator() {
        return new InputValidator();
    }
}
