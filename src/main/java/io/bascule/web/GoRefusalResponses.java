package io.bascule.web;

import io.bascule.process.GoWordListener;
import io.bascule.process.GoWordListener.GoRefusedException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.exception.RestExceptionHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused GO over REST is the caller's mistake, not the server's: Camunda's task resource wraps every engine exception
 * of a completion into a 500, so this mapper (ahead of Camunda's own for {@link RestException}) answers a refusal by
 * {@link GoWordListener} with 400 (the word was not GO) or 403 (four-eyes), in Camunda's error shape
 * ({@code type}, {@code message}). Every other exception is left to Camunda's handler unchanged.
 */
@Priority(1000)
public class GoRefusalResponses implements ExceptionMapper<RestException> {

    private final RestExceptionHandler camunda = new RestExceptionHandler();

    @Override
    public Response toResponse(RestException exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GoRefusedException refused) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("type", "GoRefused");
                body.put("message", refused.getMessage());
                body.put("code", null);
                return Response.status(refused.fourEyes() ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST)
                        .entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
            }
        }
        return camunda.toResponse(exception);
    }
}
