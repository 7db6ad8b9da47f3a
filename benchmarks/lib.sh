# The common start of the benchmark scripts (sourced): the repository root as the working directory, a JDK >= 21 in
# $JAVA, and bench_build, which builds the benchmarks module and puts its classpath in $CP.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/jdk.sh
source bin/lib/jdk.sh
use_jdk
JAVA="$JAVA_HOME/bin/java"

bench_build() {
  ./mvnw -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
}
