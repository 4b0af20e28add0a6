package dev.progressive.spring.canary;

import dev.progressive.canary.PrometheusMetricSource;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Builds the {@link PrometheusMetricSource} of {@code progressive.canary.prometheus.*}, and refuses a wrong setting
 * with an error that names the property.
 */
final class PrometheusMetricSourceFactory {

  private static final String PROPERTY = "progressive.canary.prometheus.";

  private PrometheusMetricSourceFactory() {
  }

  /**
   * Builds the source.
   *
   * @param prometheus the settings
   * @return the source
   * @throws IllegalArgumentException naming the property that is wrong
   */
  static PrometheusMetricSource create(ProgressiveCanaryProperties.Prometheus prometheus) {
    String url = prometheus.getUrl() == null ? "" : prometheus.getUrl().trim();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(PROPERTY + "url is not a valid URL: '" + url + "'", e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(PROPERTY + "url must be an absolute http or https URL with a host, was '"
          + url + "'");
    }
    PrometheusMetricSource.Builder builder;
    try {
      builder = PrometheusMetricSource.builder(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + "url: " + e.getMessage(), e);
    }
    try {
      builder.timeout(prometheus.getTimeout());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(PROPERTY + "timeout: " + e.getMessage(), e);
    }
    if (prometheus.getRequestsQuery() != null && !prometheus.getRequestsQuery().isBlank()) {
      try {
        builder.requestsQuery(prometheus.getRequestsQuery());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PROPERTY + "requests-query: " + e.getMessage(), e);
      }
    }
    if (prometheus.getErrorsQuery() != null && !prometheus.getErrorsQuery().isBlank()) {
      try {
        builder.errorsQuery(prometheus.getErrorsQuery());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PROPERTY + "errors-query: " + e.getMessage(), e);
      }
    }
    return builder.build();
  }
}
