package dev.progressive.parallelrun.http;

import java.util.List;
import java.util.Map;

/**
 * A response: the one the primary gave, or one received from the candidate or the secondary.
 *
 * @param status the status code
 * @param headers the response headers
 * @param body the body, empty when there is none
 */
public record ShadowResponse(int status, Map<String, List<String>> headers, byte[] body) {

  /** Copies the fields. */
  public ShadowResponse {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  /**
   * The first value of a header, looked up without regard to case.
   *
   * @param name the header's name
   * @return all its values joined by {@code ,}, or {@code null} when absent
   */
  public String header(String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return String.join(",", entry.getValue());
      }
    }
    return null;
  }
}
