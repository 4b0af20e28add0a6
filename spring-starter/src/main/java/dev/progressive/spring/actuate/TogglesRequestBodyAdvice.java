package dev.progressive.spring.actuate;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Reads the JSON body of a write to the {@code toggles} or {@code canaries} endpoint strictly, over Spring MVC.
 *
 * <p>Spring Boot's actuator binds a write operation's body as a map of strings
 * ({@code @RequestBody Map<String, String>}, read by the application's JSON message converter): a nested object is
 * refused, a number is turned into text, a misspelled or repeated field is silently ignored, and a body that is not
 * JSON gets a bare {@code {"error": "Bad Request"}}. For requests to {@code <base-path>/toggles/...} and
 * {@code <base-path>/canaries/...} only, this advice reads the body itself first, with {@link WriteBodyReader}:
 *
 * <ul>
 *   <li>a body longer than {@value #MAX_BODY_BYTES} bytes, a body that is not one JSON object, a duplicate key, an unknown field or a value of the wrong type is
 *       refused with a 400 whose {@code error} names the field and says what was wrong, and whose {@code field} is
 *       that field; no library's own message is shown;</li>
 *   <li>a valid body is handed on as a flat object of strings: {@code "weights"} as its JSON text, which
 *       {@link TogglesEndpoint} parses again, and a number as its digits.</li>
 * </ul>
 *
 * <p>Other endpoints and other requests are left alone. Under WebFlux, {@link TogglesWebFluxBodyFilter} does the
 * same.
 */
@ControllerAdvice
public class TogglesRequestBodyAdvice extends RequestBodyAdviceAdapter {

  private static final String ACTUATOR_HANDLER =
      "org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping";

  /** The largest write body read, in bytes; a larger one is refused without being read whole. */
  public static final int MAX_BODY_BYTES = WriteBodyReader.MAX_BODY_BYTES;

  private final String base;

  /**
   * Creates the advice.
   *
   * @param basePath the actuator's web base path, such as {@code /actuator}
   */
  public TogglesRequestBodyAdvice(String basePath) {
    this.base = WriteBodyReader.trimBase(Objects.requireNonNull(basePath, "basePath"));
  }

  @Override
  public boolean supports(MethodParameter methodParameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return methodParameter.getDeclaringClass().getName().startsWith(ACTUATOR_HANDLER) && reader() != null;
  }

  /** The reader for the request being handled, or null when it is not a write to one of the endpoints. */
  private WriteBodyReader reader() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servlet)) {
      return null;
    }
    HttpServletRequest request = servlet.getRequest();
    return WriteBodyReader.forPath(base, request.getRequestURI().substring(request.getContextPath().length()));
  }

  @Override
  public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
    WriteBodyReader reader = reader();
    byte[] flattened;
    if (reader == null) {
      flattened = inputMessage.getBody().readAllBytes();
    } else {
      byte[] body = inputMessage.getBody().readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new WriteBodyReader.BadBodyException(null,
            "The body is longer than " + MAX_BODY_BYTES + " bytes; a write needs far less");
      }
      flattened = reader.read(body);
    }
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(inputMessage.getHeaders());
    headers.remove(HttpHeaders.CONTENT_LENGTH);
    return new HttpInputMessage() {
      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(flattened);
      }

      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }

  /**
   * Answers a refused body as the endpoints answer their own errors: 400 with {@code error} (what was wrong), the
   * flag's {@code key} or the canary's {@code name}, and {@code field} (where, when one field is to blame).
   */
  @ExceptionHandler(WriteBodyReader.BadBodyException.class)
  ResponseEntity<Map<String, Object>> badBody(WriteBodyReader.BadBodyException e, HttpServletRequest request) {
    Map<String, Object> body = WriteBodyReader.errorBody(e, base,
        request.getRequestURI().substring(request.getContextPath().length()));
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
