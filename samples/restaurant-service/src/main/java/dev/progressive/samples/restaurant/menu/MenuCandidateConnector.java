package dev.progressive.samples.restaurant.menu;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Stands in for a separately deployed version 2 of the menu endpoint, so that the sample runs as one process: a
 * second Tomcat connector on {@code restaurant.menu-candidate.port} (default 8081) serves the menu paths as version
 * 2 and nothing else. {@code progressive.parallel-run.shadow.candidate} points at it. In production the candidate is
 * another deployment, and this class has no counterpart.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MenuCandidateConnector extends OncePerRequestFilter
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  private final int port;

  MenuCandidateConnector(@Value("${restaurant.menu-candidate.port:8081}") int port) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("restaurant.menu-candidate.port must be a port number from 1 to 65535, "
          + "was " + port);
    }
    this.port = port;
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    Connector connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
    connector.setPort(port);
    factory.addAdditionalConnectors(connector);
  }

  /** Whether the request came in through the candidate's port. */
  boolean isCandidate(HttpServletRequest request) {
    return request.getLocalPort() == port;
  }

  /** On the candidate's port, only the menu paths exist. */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !isCandidate(request);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getRequestURI().matches("/restaurants/[^/]+/menu")) {
      chain.doFilter(request, response);
    } else {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }
}
