package dev.progressive.samples.restaurant;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The sample service: restaurants, menus, orders and quotes, released step by step with Progressive. */
@SpringBootApplication
public class RestaurantServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(RestaurantServiceApplication.class, args);
  }
}
