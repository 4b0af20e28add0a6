package dev.progressive.spring.shadow;

import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRequest;
import dev.progressive.parallelrun.http.ShadowResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Shadows requests to chosen routes: after the application has answered, the request is handed to
 * {@link HttpShadow}, which replays it against the candidate base URL off the request thread and compares the
 * answers. The client gets the application's answer, unchanged. Requests that match no route pass through without
 * being buffered; requests already marked {@value HttpShadow#SHADOW_HEADER} and asynchronous requests are not
 * shadowed.
 */
public class ShadowFilter extends OncePerRequestFilter implements Ordered {

  /** Early, so that the answer compared is the one the client gets. */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

  private static final int MAX_CACHED_REQUEST_BODY = 1024 * 1024;

  private final HttpShadow shadow;
  private final List<String> patterns;
  private final AntPathMatcher matcher = new AntPathMatcher();

  /**
   * Creates the filter.
   *
   * @param shadow where requests are replayed and compared
   * @param patterns the routes' path patterns, to skip other requests without buffering them
   */
  public ShadowFilter(HttpShadow shadow, List<String> patterns) {
    this.shadow = Objects.requireNonNull(shadow, "shadow");
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public int getOrder() {
    return DEFAULT_ORDER;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    if (request.getHeader(HttpShadow.SHADOW_HEADER) != null) {
      return true;
    }
    String path = path(request);
    return patterns.stream().noneMatch(pattern -> matcher.match(pattern, path));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ContentCachingRequestWrapper cachedRequest = new ContentCachingRequestWrapper(request, MAX_CACHED_REQUEST_BODY);
    ContentCachingResponseWrapper cachedResponse = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(cachedRequest, cachedResponse);
    } finally {
      if (!cachedRequest.isAsyncStarted()) {
        byte[] body = cachedResponse.getContentAsByteArray();
        int status = cachedResponse.getStatus();
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (String name : cachedResponse.getHeaderNames()) {
          responseHeaders.put(name, new ArrayList<>(cachedResponse.getHeaders(name)));
        }
        if (cachedResponse.getContentType() != null) {
          responseHeaders.putIfAbsent("Content-Type", List.of(cachedResponse.getContentType()));
        }
        cachedResponse.copyBodyToResponse();
        String query = request.getQueryString();
        ShadowRequest shadowRequest = new ShadowRequest(request.getMethod(),
            path(request) + (query == null ? "" : "?" + query), requestHeaders(request),
            cachedRequest.getContentAsByteArray());
        shadow.shadow(shadowRequest, new ShadowResponse(status, responseHeaders, body));
      } else {
        cachedResponse.copyBodyToResponse();
      }
    }
  }

  private static String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }

  private static Map<String, List<String>> requestHeaders(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }
}
