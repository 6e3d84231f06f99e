package io.opsplane.command.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Approval defaults the catalogue publishes for tools that declare none.
 *
 * @param defaultExpiresAfter how long an approval stays valid for a tool whose policy declares no
 *                            {@code expiresAfter} ({@code OPSPLANE_APPROVALS_DEFAULT_EXPIRES_AFTER})
 */
@ConfigurationProperties("opsplane.approvals")
public record ApprovalDefaultsProperties(@DefaultValue("PT24H") Duration defaultExpiresAfter) {
}
