package io.opsplane.command.config;

import io.opsplane.command.connector.http.HealthcheckProperties;
import io.opsplane.command.connector.http.HealthcheckTool;
import io.opsplane.command.tool.InputValidator;
import io.opsplane.command.tool.Tool;
import io.opsplane.command.tool.ToolRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** The built-in tools and the registry that is the only way to run them. */
@Configuration(proxyBeanMethods = false)
class ToolConfiguration {

    @Bean
    HealthcheckTool healthcheckTool(HealthcheckProperties properties) {
        return new HealthcheckTool(properties);
    }

    @Bean
    ToolRegistry toolRegistry(List<Tool> tools, ApprovalDefaultsProperties approvals) {
        return new ToolRegistry(tools, approvals.defaultExpiresAfter().toString());
    }

    @Bean
    InputValidator inputValidator() {
        return new InputValidator();
    }
}
