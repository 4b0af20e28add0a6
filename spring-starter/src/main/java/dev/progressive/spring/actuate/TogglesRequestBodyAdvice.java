package dev.progressive.spring.actuate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Lets the {@code toggles} endpoint take {@code {"weights": {"on": 20, "off": 80}}} over Spring MVC.
 *
 * <p>Spring Boot's actuator reads a write operation's JSON body as a map of strings, so a nested object is refused
 * before the endpoint is called. For requests to {@code <base-path>/toggles/...} only, this advice turns each
 * top-level object or array value of the body into its JSON text, which {@link TogglesEndpoint} parses again. Other
 * endpoints and other requests are left alone; a body that is not a JSON object is passed on unchanged, for the
 * actuator to refuse as usual.
 */
@ControllerAdvice
public class TogglesRequestBodyAdvice extends RequestBodyAdviceAdapter {

  private static final String ACTUATOR_HANDLER =
      "org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;

  /**
   * Creates the advice.
   *
   * @param basePath the actuator's web base path, such as {@code /actuator}
   */
  public TogglesRequestBodyAdvice(String basePath) {
    String base = Objects.requireNonNull(basePath, "basePath");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.prefix = base + "/toggles/";
  }

  @Override
  public boolean supports(MethodParameter methodParameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return methodParameter.getDeclaringClass().getName().startsWith(ACTUATOR_HANDLER) && isTogglesRequest();
  }

  private boolean isTogglesRequest() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servlet)) {
      return false;
    }
    HttpServletRequest request = servlet.getRequest();
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return path.startsWith(prefix);
  }

  @Override
  public HttpInputMessage beforeBodyRead(HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
    byte[] body = inputMessage.getBody().readAllBytes();
    byte[] flattened = flatten(body);
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

  static byte[] flatten(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return body;
    }
    if (!(root instanceof ObjectNode object)) {
      return body;
    }
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    object.fields().forEachRemaining(fields::add);
    boolean changed = false;
    for (Map.Entry<String, JsonNode> field : fields) {
      if (field.getValue().isContainerNode()) {
        object.set(field.getKey(), TextNode.valueOf(field.getValue().toString()));
        changed = true;
      }
    }
    if (!changed) {
      return body;
    }
    try {
      return JSON.writeValueAsBytes(object);
    } catch (IOException e) {
      return body;
    }
  }
}
