package io.opsplane.platform.web;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a handler's {@link CompletionStage} within the request's own dispatch when the stage has already completed
 * normally by the time the handler returns, as if the handler had returned its value; otherwise, and for a stage that
 * failed, Spring's asynchronous processing answers as before.
 * <p>
 * Spring MVC answers every returned stage asynchronously, even one that is complete: it starts the servlet's async
 * mode and dispatches the request through the container, the filter chain and the dispatcher servlet a second time.
 * A plan, an idempotent repeat, or an execution whose tool finished while the request thread waited on the store
 * are complete when they return; for them that second dispatch was a quarter of the request thread's CPU (issue 13,
 * {@code docs/performance.md}). A stage that is still running keeps holding no server thread.
 */
public final class CompletedStageReturnValueHandler implements HandlerMethodReturnValueHandler {

    private final HandlerMethodReturnValueHandlerComposite handlers;

    /** @param handlers the adapter's handlers, which answer the value (and the stage itself when not done) */
    CompletedStageReturnValueHandler(List<HandlerMethodReturnValueHandler> handlers) {
        this.handlers = new HandlerMethodReturnValueHandlerComposite().addHandlers(handlers);
    }

    /** Puts a handler of this kind first among the adapter's return value handlers. */
    static void installIn(RequestMappingHandlerAdapter adapter) {
        List<HandlerMethodReturnValueHandler> existing = adapter.getReturnValueHandlers();
        if (existing == null || existing.stream().anyMatch(CompletedStageReturnValueHandler.class::isInstance)) {
            return;
        }
        List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(existing.size() + 1);
        handlers.add(new CompletedStageReturnValueHandler(existing));
        handlers.addAll(existing);
        adapter.setReturnValueHandlers(handlers);
    }

    /** Installs the handler in every request mapping adapter of the context, once it is initialised. */
    static BeanPostProcessor installer() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
                if (bean instanceof RequestMappingHandlerAdapter adapter) {
                    installIn(adapter);
                }
                return bean;
            }
        };
    }

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return CompletionStage.class.isAssignableFrom(returnType.getParameterType());
    }

    @Override
    public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer container,
                                  NativeWebRequest request) throws Exception {
        if (returnValue instanceof CompletableFuture<?> stage && stage.isDone() && !stage.isCompletedExceptionally()) {
            Object value = stage.getNow(null);
            if (value != null) {
                handlers.handleReturnValue(value, new CompletedValue(returnType), container, request);
                return;
            }
        }
        handlers.handleReturnValue(returnValue, returnType, container, request);
    }

    /** The handler method's return type seen through its stage: {@code CompletionStage<T>} as {@code T}. */
    private static final class CompletedValue extends MethodParameter {

        private final ResolvableType valueType;

        CompletedValue(MethodParameter stageType) {
            super(stageType);
            this.valueType = ResolvableType.forMethodParameter(stageType).as(CompletionStage.class).getGeneric();
        }

        private CompletedValue(CompletedValue original) {
            super(original);
            this.valueType = original.valueType;
        }

        @Override
        public Class<?> getParameterType() {
            Class<?> resolved = valueType.resolve();
            return resolved != null ? resolved : Object.class;
        }

        @Override
        public Type getGenericParameterType() {
            return valueType.getType();
        }

        @Override
        public CompletedValue clone() {
            return new CompletedValue(this);
        }
    }
}
