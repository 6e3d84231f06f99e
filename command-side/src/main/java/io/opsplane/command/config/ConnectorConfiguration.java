package io.opsplane.command.config;

import io.opsplane.command.connector.calendar.CreateEventTool;
import io.opsplane.command.connector.calendar.GoogleCalendarConnector;
import io.opsplane.command.connector.calendar.GoogleCalendarProperties;
import io.opsplane.command.connector.onboarding.TenantOnboardTool;
import io.opsplane.command.connector.resend.ResendConnector;
import io.opsplane.command.connector.resend.ResendProperties;
import io.opsplane.command.connector.resend.SendEmailTool;
import io.opsplane.command.connector.stripe.CancelSubscriptionTool;
import io.opsplane.command.connector.stripe.CreateCustomerTool;
import io.opsplane.command.connector.stripe.RefundProperties;
import io.opsplane.command.connector.stripe.RefundTool;
import io.opsplane.command.connector.stripe.StripeConnector;
import io.opsplane.command.connector.stripe.StripeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The provider connectors and the built-in tools on top of them. A connector without credentials
 * is still created: its tools are listed unavailable, plan, and refuse to execute.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

    @Bean
    StripeConnector stripeConnector(StripeProperties properties) {
        return new StripeConnector(properties);
    }

    @Bean
    ResendConnector resendConnector(ResendProperties properties) {
        return new ResendConnector(properties);
    }

    @Bean
    GoogleCalendarConnector googleCalendarConnector(GoogleCalendarProperties properties) {
        return new GoogleCalendarConnector(properties);
    }

    @Bean
    CreateCustomerTool createCustomerTool(StripeConnector stripe) {
        return new CreateCustomerTool(stripe);
    }

    @Bean
    RefundTool refundTool(StripeConnector stripe, RefundProperties policy) {
        return new RefundTool(stripe, policy);
    }

    @Bean
    CancelSubscriptionTool cancelSubscriptionTool(StripeConnector stripe) {
        return new CancelSubscriptionTool(stripe);
    }

    @Bean
    SendEmailTool sendEmailTool(ResendConnector resend) {
        return new SendEmailTool(resend);
    }

    @Bean
    CreateEventTool createEventTool(GoogleCalendarConnector calendar) {
        return new CreateEventTool(calendar);
    }

    @Bean
    TenantOnboardTool tenantOnboardTool(StripeConnector stripe, GoogleCalendarConnector calendar, ResendConnector resend) {
        return new TenantOnboardTool(stripe, calendar, resend);
    }
}
