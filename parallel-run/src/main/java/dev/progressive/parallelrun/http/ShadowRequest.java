package dev.progressive.parallelrun.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request that the primary (the running, old version) has served, to be replayed against the candidate.
 *
 * @param method the HTTP method, such as {@code GET}
 * @param path the path and query, such as {@code /orders/7?expand=items}
 * @param headers the request headers; hop-by-hop headers are not forwarded
 * @param body the request body, empty when there is none
 */
public record ShadowRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {

  /** Checks and copies the fields. */
  public ShadowRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  /**
   * A request without headers or body.
   *
   * @param method the method
   * @param path the path and query
   * @return the request
   */
  public static ShadowRequest of(String method, String path) {
    return new ShadowRequest(method, path, Map.of(), new byte[0]);
  }

  /** The path without its query string. */
  public String pathWithoutQuery() {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }
}
