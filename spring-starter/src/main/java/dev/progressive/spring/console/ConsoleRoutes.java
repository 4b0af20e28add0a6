package dev.progressive.spring.console;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The console's routes below its path: {@code <path>} redirects to {@code <path>/}, which is the page;
 * {@code <path>/login} is the login form; {@code <path>/me} answers who is looking ({@code name}, {@code canWrite}),
 * where the actuator is ({@code actuator}) and how often to poll it ({@code pollMillis}); every other file comes from
 * {@value #LOCATION} in the starter's jar.
 */
final class ConsoleRoutes {

  /** Where the console's files are, on the classpath. */
  static final String LOCATION = "META-INF/progressive-console/";

  private ConsoleRoutes() {}

  static RouterFunction<ServerResponse> of(String path, String actuatorBasePath, Duration pollInterval,
      ConsoleUsers users) {
    Resource index = new ClassPathResource(LOCATION + "index.html");
    Resource login = new ClassPathResource(LOCATION + "login.html");
    return RouterFunctions.route()
        .GET(path, request -> ServerResponse.status(302)
            .location(URI.create(request.servletRequest().getContextPath() + path + "/")).build())
        .GET(path + "/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(index))
        .GET(path + "/login", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(login))
        .GET(path + "/me", request -> me(request, actuatorBasePath, pollInterval, users))
        .resources(path + "/**", new ClassPathResource(LOCATION))
        .build();
  }

  private static ServerResponse me(ServerRequest request, String actuatorBasePath, Duration pollInterval,
      ConsoleUsers users) {
    ConsoleUsers.User user = users.current(request.servletRequest());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", user.name());
    body.put("canWrite", user.canWrite());
    String base = actuatorBasePath.endsWith("/")
        ? actuatorBasePath.substring(0, actuatorBasePath.length() - 1) : actuatorBasePath;
    body.put("actuator", request.servletRequest().getContextPath() + base);
    body.put("pollMillis", pollInterval.toMillis());
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
