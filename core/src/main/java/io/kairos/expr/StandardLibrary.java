package io.kairos.expr;

import dev.cel.checker.CelStandardDeclarations;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Comparison;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Conversions;
import dev.cel.common.CelOptions;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.standard.DurationFunction.DurationOverload;
import dev.cel.runtime.standard.IntFunction.IntOverload;
import dev.cel.runtime.standard.TimestampFunction.TimestampOverload;

/**
 * CEL's standard library as the default environment configures it for these options, with one
 * change: the runtime binding of {@code duration(string)} is left out, so Kairos can bind its own
 * that also takes days and weeks ({@link Durations}). CEL offers no way to replace one standard
 * overload, so the filters below restate the default environment's (from cel-java 0.14's {@code
 * Env.standard} and {@code CelRuntimeLegacyImpl}); {@code ExpressionCompilerTest} pins the result.
 */
final class StandardLibrary {

  private StandardLibrary() {}

  static CelStandardDeclarations declarations(CelOptions options) {
    return CelStandardDeclarations.newBuilder()
        .filterFunctions(
            (function, overload) -> {
              if (overload.equals(Conversions.INT64_TO_INT64)) {
                return options.enableUnsignedLongs();
              }
              if (overload.equals(Conversions.INT64_TO_TIMESTAMP)) {
                return options.enableTimestampEpoch();
              }
              if (overload instanceof Comparison c && c.isHeterogeneousComparison()) {
                return options.enableHeterogeneousNumericComparisons();
              }
              return true;
            })
        .build();
  }

  static CelStandardFunctions functions(CelOptions options) {
    return CelStandardFunctions.newBuilder()
        .filterFunctions(
            (function, overload) -> {
              if (overload.equals(DurationOverload.STRING_TO_DURATION)) {
                return false;
              }
              if (overload.equals(IntOverload.INT64_TO_INT64)) {
                return options.enableUnsignedLongs();
              }
              if (overload.equals(TimestampOverload.INT64_TO_TIMESTAMP)) {
                return options.enableTimestampEpoch();
              }
              // The compiler always enables heterogeneous numeric comparisons, so all stay.
              return true;
            })
        .build();
  }
}
