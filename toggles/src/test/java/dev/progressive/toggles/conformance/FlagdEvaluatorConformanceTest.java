package dev.progressive.toggles.conformance;

import static io.cucumber.junit.platform.engine.Constants.FILTER_TAGS_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * Runs flagd's evaluator Gherkin suite (flagd-testbed 3.9.0, copied under
 * {@code src/test/resources/conformance/flagd-evaluator}) against Progressive, through both the native API and the
 * OpenFeature client: every scenario must pass on both, with the same answers.
 *
 * <p>Excluded: {@code @fractional-v1} (flagd's legacy bucketing, replaced by v2) and {@code @fractional-v3} (accepted
 * by flagd, not shipped yet).
 */
@Suite
@IncludeEngines("cucumber")
@SelectClasspathResource("conformance/flagd-evaluator/gherkin")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.progressive.toggles.conformance")
@ConfigurationParameter(key = FILTER_TAGS_PROPERTY_NAME, value = "not @fractional-v1 and not @fractional-v3")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
class FlagdEvaluatorConformanceTest {}
