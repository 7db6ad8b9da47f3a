package dev.feedsearch.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a request line or headers too large, a bad HTTP version, an unparseable request) in the API's
 * JSON error shape instead of Jetty's HTML page, so a client has one format to read whatever refused it.
 */
final class JsonErrorHandler extends ErrorHandler {
    static final String CONTENT_TYPE = "application/json";

    private static byte[] bodyFor(int status, String message) {
        String code = switch (status) {
            case 400 -> "bad_request";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
        String reason = HttpStatus.getMessage(status);
        ApiException e = new ApiException(
                status, code, null, message == null || message.isBlank() ? reason : reason + ": " + message);
        return HitJson.error(e).toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(bodyFor(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        return ByteBuffer.wrap(bodyFor(status, reason));
    }
}
