package io.opsplane.query.console;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator console's page at {@code /} of the base URL. The page is a single-page application
 * ({@code classpath:/static/console/}, served below {@code /console}) that talks to the public REST
 * API only, with the API key the operator signs in with. The page and its assets are public; every
 * piece of data behind them needs the key.
 *
 * <p>The content security policy allows scripts, styles and requests to this origin only, so a
 * value shown on a page can never run as code and the key can never be sent elsewhere.
 */
@Hidden
@RestController
class ConsoleController {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static final Resource PAGE = new ClassPathResource("static/console/index.html");

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .contentType(MediaType.TEXT_HTML)
                .body(PAGE);
    }
}
