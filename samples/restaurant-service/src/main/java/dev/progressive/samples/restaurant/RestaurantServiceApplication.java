package dev.progressive.samples.restaurant;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The sample service: restaurants, menus, quotes and orders, released step by step with Progressive. The release plan
 * {@code pricing-v2} of a new pricing engine (dark, verify, canary, approval), a new menu search behind a flag, an HTTP
 * canary of the downstream pricing service, a parallel run on tax, and HTTP shadowing of the menu; see the README's
 * tour.
 */
@SpringBootApplication
@EnableConfigurationProperties(RestaurantProperties.class)
public class RestaurantServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(RestaurantServiceApplication.class, args);
  }
}
