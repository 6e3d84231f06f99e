package io.opsplane.command.execution;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class RedactedThrowableTest {

    @Test
    void aLoggedFailureOfAToolWithSecretsKeepsItsClassesAndFramesButNoMessage() {
        Logger logger = (Logger) LoggerFactory.getLogger("redacted-throwable-test");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        IllegalArgumentException failure = new IllegalArgumentException("invalid header value: Bearer s3cret\\r\\n",
                new IOException("while sending Bearer s3cret"));

        logger.error("Tool {} threw while running execution {}", "service.healthcheck", "ex_1", RedactedThrowable.of(failure));

        logger.detachAppender(logged);
        String rendered = ThrowableProxyUtil.asString(logged.list.get(0).getThrowableProxy());
        assertThat(rendered).doesNotContain("s3cret")
                .contains("java.lang.IllegalArgumentException", "java.io.IOException", "message withheld")
                .contains(RedactedThrowableTest.class.getName() + ".aLoggedFailureOfAToolWithSecretsKeepsItsClassesAndFramesButNoMessage");
    }
}
