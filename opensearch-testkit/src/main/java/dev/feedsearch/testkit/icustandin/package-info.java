/**
 * <b>Test-only stand-in for OpenSearch's official {@code analysis-icu} plugin</b>, which is not published
 * anywhere this project's machines can reach. It registers the ICU analysis components the language groups use,
 * built over the same {@code org.apache.lucene:lucene-analysis-icu} classes (and icu4j) that the official plugin
 * wraps, with the official plugin's parameter names and defaults. The test harness installs it as
 * {@code plugins/analysis-icu} in test nodes only; it is never shipped, and a real cluster must install the
 * official plugin. Analysis compared through it is compared against a stand-in, not the official plugin.
 */
package dev.feedsearch.testkit.icustandin;
