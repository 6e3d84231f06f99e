package io.opsplane.standalone;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardWrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.modeler.Registry;
import io.opsplane.platform.problem.ProblemErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatEmbeddedContext;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory.TempDirs;
import org.springframework.boot.web.server.GracefulShutdownCallback;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The one Tomcat of the local run: both sides' web applications, and the single base URL in front of them.
 *
 * <p>Each side is a Spring Boot application as in production; here its {@link WebServer} is a context of this
 * Tomcat (a host of its own, so both keep the root path) instead of a Tomcat of its own ({@link #run}). A request to the base URL is parsed once and handed, in process, to the side that
 * owns it ({@link Side#of}): there is no second HTTP exchange behind the base URL. Each side also keeps its own
 * port, which reaches only that side, as its own Tomcat's did.
 *
 * <p>What Tomcat refuses before any application sees the request (a malformed request line, target or header) is
 * answered by the command side's host, whose error report valve the side installs (problem+json).
 *
 * <p>Order of use: {@link #start()}, then each side's application ({@link #run}: its own port opens once the side
 * is ready), then {@link #open} for the base URL, which opens only once both sides are ready. To stop:
 * {@link #closeBaseUrl}, then the sides' applications (each stops its context), then {@link #close}.
 */
public final class SharedTomcat implements AutoCloseable {

    /** Who serves a request: GET and HEAD the query side, every other method the command side, with two exceptions. */
    public enum Side {
        COMMAND("command"), QUERY("query");

        /** Replay is the query side's, whatever the method. */
        static final String REPLAY_PATH = "/v1/admin/replay";
        /** The MCP server's one endpoint: its GET is an event stream and its DELETE ends a session. */
        static final String MCP_PATH = "/mcp";

        private final String hostName;

        Side(String hostName) {
            this.hostName = hostName;
        }

        static Side of(String method, String path) {
            if (under(path, REPLAY_PATH)) {
                return QUERY;
            }
            if (under(path, MCP_PATH)) {
                return COMMAND;
            }
            return method.equals("GET") || method.equals("HEAD") ? QUERY : COMMAND;
        }

        private static boolean under(String path, String prefix) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SharedTomcat.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** Tomcat logs its start and stop at INFO through java.util.logging; only its warnings matter here. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;
    private final Map<Side, Factory> factories = new EnumMap<>(Side.class);
    /** The side each side's own port serves; a connector not listed (the base URL) routes by request. */
    private final Map<Connector, Side> sidePorts = new ConcurrentHashMap<>();
    private final Map<Side, SideServer> ready = new ConcurrentHashMap<>();
    private volatile Connector base;
    /** The base URL takes no more requests ({@link #closeBaseUrl}); its connector goes at {@link #close}. */
    private volatile boolean baseClosed;

    private SharedTomcat(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** A running Tomcat with no port open yet and no application in it. */
    public static SharedTomcat start() {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("opsplane-tomcat");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Tomcat's working directory", e);
        }
        // As Boot does for its own Tomcat unless asked: no MBean per processor, which the base URL makes per request.
        Registry.disableRegistry();
        SharedTomcat shared = new SharedTomcat(baseDir);
        shared.tomcat.setBaseDir(baseDir.toString());
        Engine engine = shared.tomcat.getEngine();
        // Until the routing valve has decided, a request belongs to the command side (whose host also answers what
        // Tomcat refuses before routing).
        engine.setDefaultHost(Side.COMMAND.hostName);
        engine.getPipeline().addValve(shared.new RoutingValve());
        try {
            shared.tomcat.getServer().start();
        } catch (LifecycleException e) {
            shared.close();
            throw new IllegalStateException("cannot start Tomcat", e);
        }
        return shared;
    }

    /**
     * Runs {@code side}'s application with {@code args}; its web server is a context of this Tomcat, from a factory
     * Boot customises as it would its own.
     */
    public ConfigurableApplicationContext run(Side side, SpringApplicationBuilder application, String... args) {
        TomcatServletWebServerFactory factory = factoryFor(side);
        return application.initializers(context -> ((GenericApplicationContext) context).registerBean(
                "tomcatServletWebServerFactory", TomcatServletWebServerFactory.class, () -> factory)).run(args);
    }

    private synchronized Factory factoryFor(Side side) {
        return factories.computeIfAbsent(side, Factory::new);
    }

    /**
     * Opens the base URL on 127.0.0.1:{@code port} (0 for a free one), with the command side's connector settings;
     * both sides must be ready.
     */
    public synchronized void open(int port) {
        if (ready.size() != Side.values().length) {
            throw new IllegalStateException("the base URL opens once both sides are ready; ready: " + ready.keySet());
        }
        Connector connector = factories.get(Side.COMMAND).connector(port);
        // One thread per open exchange: an event stream holds its thread for as long as it lasts.
        connector.setProperty("maxThreads", "400");
        connector.setProperty("acceptCount", "128");
        // A processor that served an HTTP/0.9 request keeps answering the next connection's malformed request line
        // without a status line; a new processor per request (a kept-alive connection releases its processor
        // between requests) never does, and costs little with no MBean registry.
        connector.setProperty("processorCache", "0");
        openConnector(connector, "the base URL");
        base = connector;
        baseClosed = false;
    }

    /** The base URL's port. */
    public int port() {
        Connector connector = base;
        if (connector == null || baseClosed) {
            throw new IllegalStateException("the base URL is not open");
        }
        return connector.getLocalPort();
    }

    /**
     * Stops taking requests on the base URL: its port refuses new connections, and a new request on a connection
     * already open is answered {@code 503}. Requests in flight go on to their answers, which the sides' graceful
     * shutdown waits for (they count them as their own); the connector goes at {@link #close}, once the sides have
     * stopped. Removing it here would interrupt the threads still serving them.
     */
    public synchronized void closeBaseUrl() {
        Connector connector = base;
        baseClosed = true;
        if (connector != null && connector.getState() == LifecycleState.STARTED) {
            connector.pause();
            connector.getProtocolHandler().closeServerSocketGraceful();
        }
    }

    /** Removes the base URL, then stops Tomcat (and with it what is left of the sides); removes its working directory. */
    @Override
    public synchronized void close() {
        Connector connector = base;
        base = null;
        if (connector != null) {
            tomcat.getService().removeConnector(connector);
        }
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.getServer().stop();
            }
            tomcat.getServer().destroy();
        } catch (LifecycleException e) {
            log.warn("Tomcat did not stop cleanly", e);
        }
        try (Stream<Path> paths = Files.walk(baseDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("could not remove {}: {}", baseDir, e.toString());
        }
    }

    private void openConnector(Connector connector, String what) {
        Service service = tomcat.getService();
        service.addConnector(connector);
        if (connector.getState() != LifecycleState.STARTED) {
            service.removeConnector(connector);
            throw new WebServerException("cannot listen on " + LOOPBACK + ":" + connector.getPort() + " for " + what
                    + " (port taken?)", null);
        }
    }

    /**
     * Chooses the host a request goes to, before the engine hands it on; again at each asynchronous dispatch. The
     * base URL refuses HTTP/0.9, which has no status line or headers to carry an answer, with the problem body alone.
     */
    private final class RoutingValve extends ValveBase {
        private final Http09Refusal http09 = new Http09Refusal();

        RoutingValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
            Side side = sidePorts.get(request.getConnector());
            // HTTP/0.9 is a request line without a version; a malformed line may have no protocol at all (null).
            if (side == null && "".equals(request.getProtocol())) {
                http09.refuse(request, response);
                return;
            }
            if (side == null) {
                String path = request.getDecodedRequestURI();
                side = Side.of(request.getMethod().toUpperCase(Locale.ROOT), path == null ? "" : path);
            }
            Container host = request.getHost();
            if (host == null || !host.getName().equals(side.hostName)) {
                MessageBytes hostName = MessageBytes.newInstance();
                hostName.setString(side.hostName);
                request.getMappingData().recycle();
                request.getConnector().getService().getMapper().map(hostName, request.getDecodedRequestURIMB(), null,
                        request.getMappingData());
            }
            getNext().invoke(request, response);
        }
    }

    /** The sides' own answer to what the container refuses, here for a request line without an HTTP version. */
    private static final class Http09Refusal extends ProblemErrorReportValve {

        void refuse(Request request, Response response) {
            response.setStatus(400);
            response.setError();
            report(request, response, null);
        }
    }

    /** A side's web server factory: Boot configures it as its own; its web servers are contexts of this Tomcat. */
    private final class Factory extends TomcatServletWebServerFactory {
        private final Side side;

        Factory(Side side) {
            this.side = side;
        }

        @Override
        public WebServer getWebServer(ServletContextInitializer... initializers) {
            StandardHost host = new StandardHost();
            host.setName(side.hostName);
            host.setAutoDeploy(false);
            // The context is configured (its customizers set the host's error report valve) before the host starts it.
            TempDirs tempDirs = new TempDirs(getPort());
            prepareContext(host, initializers, tempDirs);
            tomcat.getEngine().addChild(host);
            Context context = (Context) host.findChildren()[0];
            rethrowStartupFailure(context);
            if (context.getState() != LifecycleState.STARTED) {
                throw new WebServerException("the " + side.hostName + " side's web application did not start", null);
            }
            return new SideServer(side, host, context, connector(getPort()), tempDirs);
        }

        /** A connector on 127.0.0.1:{@code port} with this side's settings, as Boot would give its own Tomcat. */
        Connector connector(int port) {
            Connector connector = new Connector(getProtocol());
            connector.setThrowOnFailure(false);
            customizeConnector(connector);
            connector.setPort(port);
            connector.setProperty("address", LOOPBACK);
            // Bound when it starts and unbound when it stops: a closed port refuses connections at once.
            connector.setProperty("bindOnInit", "false");
            return connector;
        }
    }

    /** What the application's own start failed with, as Boot's own web server reports it. */
    private static void rethrowStartupFailure(Context context) {
        if (!(context instanceof TomcatEmbeddedContext embedded)) {
            return;
        }
        try {
            Method deferred = TomcatEmbeddedContext.class.getDeclaredMethod("getDeferredStartupExceptions");
            deferred.setAccessible(true);
            Object exceptions = deferred.invoke(embedded);
            if (exceptions != null) {
                Method rethrow = exceptions.getClass().getDeclaredMethod("rethrow");
                rethrow.setAccessible(true);
                rethrow.invoke(exceptions);
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new WebServerException("the web application did not start", e.getCause());
        } catch (ReflectiveOperationException e) {
            log.debug("cannot read the context's startup failures: {}", e.toString());
        }
    }

    /** One side's web server: its context in the shared Tomcat, and its own port. */
    private final class SideServer implements WebServer {
        private final Side side;
        private final Host host;
        private final Context context;
        private final Connector ownPort;
        /** The document root and the like Boot made for the context, removed when it is destroyed. */
        private final TempDirs tempDirs;
        private volatile boolean stopped;

        SideServer(Side side, Host host, Context context, Connector ownPort, TempDirs tempDirs) {
            this.side = side;
            this.host = host;
            this.context = context;
            this.ownPort = ownPort;
            this.tempDirs = tempDirs;
        }

        /** The side is ready: its own port opens, and the base URL may route to it. */
        @Override
        public void start() {
            synchronized (SharedTomcat.this) {
                if (ready.containsKey(side)) {
                    return;
                }
                sidePorts.put(ownPort, side);
                openConnector(ownPort, "the " + side.hostName + " side");
                ready.put(side, this);
            }
            log.info("The {} side is served on {}:{}", side.hostName, LOOPBACK, ownPort.getLocalPort());
        }

        @Override
        public void stop() {
            stopped = true;
            synchronized (SharedTomcat.this) {
                ready.remove(side);
                tomcat.getService().removeConnector(ownPort);
                sidePorts.remove(ownPort);
            }
        }

        /**
         * Stops taking new requests on its own port and lets the ones in flight finish; the base URL is closed
         * before the sides stop.
         */
        @Override
        public void shutDownGracefully(GracefulShutdownCallback callback) {
            ownPort.pause();
            ownPort.getProtocolHandler().closeServerSocketGraceful();
            Thread waiting = new Thread(() -> {
                while (!stopped && inFlight()) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        callback.shutdownComplete(GracefulShutdownResult.REQUESTS_ACTIVE);
                        return;
                    }
                }
                // Stopped before the last request ended: the shutdown did not wait for it.
                callback.shutdownComplete(inFlight() ? GracefulShutdownResult.REQUESTS_ACTIVE
                        : GracefulShutdownResult.IDLE);
            }, side.hostName + "-graceful-shutdown");
            waiting.setDaemon(true);
            waiting.start();
        }

        private boolean inFlight() {
            if (context instanceof StandardContext standard
                    && standard.getInProgressAsyncCount() > 0) {
                return true;
            }
            for (Container child : context.findChildren()) {
                if (child instanceof StandardWrapper wrapper && wrapper.getCountAllocated() > 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int getPort() {
            int local = ownPort.getLocalPort();
            return local > 0 ? local : ownPort.getPort();
        }

        /** The side's application is gone: its context and host leave the Tomcat. */
        @Override
        public void destroy() {
            stop();
            tomcat.getEngine().removeChild(host);
            tempDirs.cleanup();
        }
    }
}
