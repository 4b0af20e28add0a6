package dev.progressive.samples.restaurant.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks the downstream pricing service for the delivery fee. It always calls version 1's URL
 * ({@code restaurant.pricing-service.url}) with the customer in the {@code X-Canary-Key} header; the starter's
 * HTTP canary ({@code progressive.canary.http-clients.pricing-service}) sends the canary's share of customers to
 * version 2 instead and records each answer for the judge. When the service fails, the quote gets the standard fee.
 */
@Component
public class PricingServiceClient {

  /** The header that carries the canary's routing key. */
  public static final String KEY_HEADER = "X-Canary-Key";

  private static final Logger LOG = LoggerFactory.getLogger(PricingServiceClient.class);

  private final RestClient client;
  private final Environment environment;
  private volatile String baseUrl;

  PricingServiceClient(RestClient.Builder builder, Environment environment) {
    this.client = builder.build();
    this.environment = environment;
  }

  /**
   * The delivery fee for a distance.
   *
   * @param customerId the canary's routing key
   * @param distanceKm from 0 to 100
   */
  public DeliveryFee deliveryFee(String customerId, double distanceKm) {
    try {
      Map<?, ?> answer = client.get()
          .uri(baseUrl() + "/delivery-fee?distanceKm={d}", distanceKm)
          .header(KEY_HEADER, customerId)
          .retrieve()
          .body(Map.class);
      if (answer == null || !(answer.get("fee") instanceof Number fee)) {
        throw new RestClientException("the pricing service answered without a fee: " + answer);
      }
      return new DeliveryFee(new BigDecimal(fee.toString()).setScale(2, RoundingMode.HALF_UP),
          String.valueOf(answer.get("version")));
    } catch (RestClientException e) {
      LOG.debug("the pricing service failed; the standard fee applies", e);
      return new DeliveryFee(standardFee(distanceKm), "standard");
    }
  }

  /** What the quote charges when the pricing service cannot answer: 2.50 plus 0.60 per started kilometre. */
  static BigDecimal standardFee(double distanceKm) {
    return new BigDecimal("2.50").add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(Math.ceil(distanceKm))))
        .setScale(2, RoundingMode.HALF_UP);
  }

  /** Read when first needed: the URL may name {@code local.server.port}, which exists once the server listens. */
  private String baseUrl() {
    String url = baseUrl;
    if (url == null) {
      url = environment.getRequiredProperty("restaurant.pricing-service.url");
      baseUrl = url;
    }
    return url;
  }

  /**
   * A delivery fee.
   *
   * @param fee in euros
   * @param source who computed it: {@code v1} or {@code v2} of the pricing service, or {@code standard}
   */
  public record DeliveryFee(BigDecimal fee, String source) {}
}
