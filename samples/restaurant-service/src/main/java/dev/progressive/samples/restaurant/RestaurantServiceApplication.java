package dev.progressive.samples.restaurant;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The sample service: restaurants, menus, quotes and orders, released step by step with Progressive. A new menu
 * search behind a flag, two canaries on pricing (in process and over HTTP), a parallel run on tax, and HTTP
 * shadowing of the menu; see the README's tour.
 */
@SpringBootApplication
@EnableConfigurationProperties(RestaurantProperties.class)
public class RestaurantServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(RestaurantServiceApplication.class, args);
  }
}
