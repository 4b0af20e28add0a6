package dev.progressive.spring.actuate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Under WebFlux, what {@link TogglesRequestBodyAdvice} does under Spring MVC: reads the JSON body of every
 * {@code POST} to {@code <base-path>/toggles/...} and {@code <base-path>/canaries/...} strictly with
 * {@link WriteBodyReader}, answers a bad one with a 400 that names the field, and hands a valid one on as a flat
 * object of strings ({@code "weights"} as its JSON text). It runs after Spring Security's filters
 * ({@link #ORDER}), so that a request without the right credentials is refused before its body is read.
 */
public class TogglesWebFluxBodyFilter implements WebFilter, Ordered {

  /** After Spring Security's {@code WebFilterChainProxy} (-100). */
  public static final int ORDER = 0;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;

  /**
   * Creates the filter.
   *
   * @param basePath the actuator's web base path, such as {@code /actuator}
   */
  public TogglesWebFluxBodyFilter(String basePath) {
    this.base = WriteBodyReader.trimBase(Objects.requireNonNull(basePath, "basePath"));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String path = request.getPath().pathWithinApplication().value();
    WriteBodyReader reader = HttpMethod.POST.equals(request.getMethod()) ? WriteBodyReader.forPath(base, path) : null;
    if (reader == null) {
      return chain.filter(exchange);
    }
    return DataBufferUtils.join(request.getBody(), WriteBodyReader.MAX_BODY_BYTES)
        .map(TogglesWebFluxBodyFilter::bytes)
        .defaultIfEmpty(new byte[0])
        .flatMap(body -> {
          if (body.length == 0) {
            return chain.filter(exchange); // no body: the endpoint says what is missing
          }
          byte[] flat = reader.read(body);
          return chain.filter(exchange.mutate().request(withBody(exchange, flat)).build());
        })
        .onErrorResume(DataBufferLimitException.class, e -> refuse(exchange, path,
            new WriteBodyReader.BadBodyException(null, "The body is longer than "
                + WriteBodyReader.MAX_BODY_BYTES + " bytes; a write needs far less")))
        .onErrorResume(WriteBodyReader.BadBodyException.class, e -> refuse(exchange, path, e));
  }

  private static byte[] bytes(DataBuffer buffer) {
    try {
      byte[] bytes = new byte[buffer.readableByteCount()];
      buffer.read(bytes);
      return bytes;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  private static ServerHttpRequest withBody(ServerWebExchange exchange, byte[] body) {
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(exchange.getRequest().getHeaders());
    headers.setContentLength(body.length);
    return new ServerHttpRequestDecorator(exchange.getRequest()) {
      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }

      @Override
      public Flux<DataBuffer> getBody() {
        return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
      }
    };
  }

  private Mono<Void> refuse(ServerWebExchange exchange, String path, WriteBodyReader.BadBodyException e) {
    ServerHttpResponse response = exchange.getResponse();
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(WriteBodyReader.errorBody(e, base, path));
    } catch (JsonProcessingException impossible) {
      return Mono.error(impossible);
    }
    response.setStatusCode(HttpStatus.BAD_REQUEST);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    response.getHeaders().setContentLength(body.length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
