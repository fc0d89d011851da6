# normbench: the user's entry points. `make` (or `make help`) lists them.
# Everything goes through ./mvnw (Maven 3.9, fetched by the wrapper); nothing needs a system Maven.

SHELL    := /bin/bash
MVNW     := ./mvnw -B -q
NB       := bench/bin/normbench
REPORTJ  := analysis/target/normbench-report.jar
JAR      := bench/target/normbench.jar

PROFILE  ?= auto
GRID     ?=
RUN      ?=
NORM     ?= bn
ACT      ?= relu
WIDTH    ?= 1.0
STEM     ?= cifar
JMH_ARGS ?=
JOBS     ?=
ESTIMATE ?= 1
DATASET  ?= fashion-mnist

.DEFAULT_GOAL := help
.PHONY: help build test format bench bench-compare bench-ops bench-hooks bench-soak report jmh datasets doctor summary clean test-faults bench-contention reliability-doc gpu-setup test-gpu dist gpu-kit

help: ## List the targets
	@echo "normbench - reproducible normalization x activation benchmarks (ResNet18, DJL + PyTorch)"
	@echo
	@echo "Set-up is two commands:  make bench   and   make test"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PROFILE=auto|cpu-smoke|cpu-study|lesson10|full GRID=<file.yaml> RUN=<run-id> JOBS=N|auto ESTIMATE=0|1 NORM=.. ACT=.. WIDTH=.. JMH_ARGS=.."

build: ## Compile and package the CLI jars (bench/target/normbench.jar, analysis/target/normbench-report.jar)
	$(MVNW) package -DskipTests

# The CLI jar is rebuilt whenever a source of bench or datasets (or a pom) is newer than it: an
# up-to-date checkout must never run an older build (make bench, doctor, bench-contention, ...).
BENCH_SOURCES := $(shell find bench/src/main datasets/src/main bench/pom.xml datasets/pom.xml pom.xml -type f 2>/dev/null)

$(JAR): $(BENCH_SOURCES)
	$(MVNW) package -DskipTests -pl bench -am
	@touch $@

test: ## Run every unit and integration test (what CI runs), after the code-style check
	@$(MVNW) spotless:check || { echo "make test: Java files break the project's code style; run 'make format' to fix them"; exit 1; }
	./mvnw -B test

format: ## Apply the project's code style (google-java-format, AOSP style) to every Java file
	$(MVNW) spotless:apply

doctor: $(JAR) ## Versions, CPU/GPU devices, and a conv forward+backward on each device
	$(NB) doctor

datasets: $(JAR) ## Fetch and verify the embedded default dataset (Fashion-MNIST), list all datasets
	bash datasets/scripts/fetch-embedded.sh
	$(NB) datasets

summary: $(JAR) ## Per-layer table of a ResNet18 variant: make summary NORM=gn ACT=leaky_relu
	$(NB) summary --norm $(NORM) --act $(ACT) --width $(WIDTH) --stem $(STEM)

bench: $(JAR) ## The study: PROFILE=auto picks 'full' on a CUDA box, else 'cpu-smoke'; JOBS=N|auto cells at once; prints an estimate first (ESTIMATE=0 skips it)
	bash datasets/scripts/fetch-embedded.sh
	NORMBENCH_VIA_MAKE=1 $(NB) bench --profile $(PROFILE) $(if $(GRID),--grid $(GRID)) $(if $(RUN),--run $(RUN)) $(if $(JOBS),--jobs $(JOBS)) $(if $(filter 0,$(ESTIMATE)),,--estimate-first)

bench-compare: $(JAR) ## DJL vs PyTorch eager step time on the same device (needs python3-torch)
	bash bench/reference/bench-compare.sh

bench-ops: $(JAR) ## aten ops per training step, DJL vs PyTorch eager, bn/gn/ln/rbn (needs python3-torch)
	$(MVNW) test-compile -pl bench -am
	bash bench/reference/bench-ops.sh

bench-soak: $(JAR) ## Native memory cell after cell: CELLS throughput cells in one JVM, slope of each cell's peak (CELLS=120 NORM=bn, width 0.125; DEVICE=gpu on a CUDA box)
	CELLS=$(or $(CELLS),120) NORM=$(NORM) WIDTH=$(or $(SOAK_WIDTH),0.125) DEVICE=$(or $(DEVICE),cpu) bash bench/reference/cell-soak.sh

bench-hooks: $(JAR) ## What hook statistics cost a step on the device path (ops, host copies, overhead every step / 10 steps); DEVICE=gpu on a CUDA box
	$(MVNW) test-compile -pl bench -am
	DEVICE=$(or $(DEVICE),cpu) NORM=$(NORM) WIDTH=$(WIDTH) bash bench/bin/hooks-bench.sh

# The report jar is rebuilt only when a source of the analysis module (or a pom) is newer than it.
REPORT_SOURCES := $(shell find analysis/src/main analysis/pom.xml pom.xml -type f 2>/dev/null)
# A short-lived JVM: C1 only, serial GC, and a class-data-sharing archive of the classes a report
# loads (made once per jar from a synthetic run), which trims the start-up.
REPORT_JSA  := analysis/target/normbench-report.jsa
REPORT_JAVA := java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off

$(REPORTJ): $(REPORT_SOURCES)
	$(MVNW) package -DskipTests -pl analysis
	@touch $@

$(REPORT_JSA): $(REPORTJ)
	@tmp=$$(mktemp -d) && $(REPORT_JAVA) -jar $(REPORTJ) synth --preset small --run-id cds --runs-dir $$tmp >/dev/null \
	  && $(REPORT_JAVA) -XX:ArchiveClassesAtExit=$@ -jar $(REPORTJ) --runs-dir $$tmp --run cds --quiet; rm -rf $$tmp

report: $(REPORTJ) $(REPORT_JSA) ## HTML report from stored results: make report [RUN=<run-id>] [RUNS_DIR=<dir>, default reports/runs]
	$(REPORT_JAVA) $$([ -f $(REPORT_JSA) ] && echo -XX:SharedArchiveFile=$(REPORT_JSA)) -jar $(REPORTJ) $(if $(RUN),--run $(RUN),--all) $(if $(RUNS_DIR),--runs-dir $(RUNS_DIR))

# Screenshots of a built report (it does not rebuild it: run `make report RUN=<id>` first), one PNG
# per part, for looking at how it renders. SHOTS: where the PNGs go (outside the repository by
# default); PARTS: top findings summary F1 ... F7 (default: all).
SHOTS ?= /tmp/normbench-screenshots/$(RUN)
PARTS ?=
.PHONY: report-screenshots
report-screenshots: ## PNGs of a built report's parts (headless Chromium): make report-screenshots RUN=<id> [SHOTS=dir] [PARTS="findings F4"]
	@[ -n "$(RUN)" ] || { echo "report-screenshots: set RUN=<run-id> (a run under reports/runs with a built report)" >&2; exit 2; }
	analysis/scripts/report-screenshots.sh reports/runs/$(RUN)/report/index.html $(SHOTS) $(PARTS)

JMH_DIR = $(if $(RUN),reports/runs/$(RUN)/jmh,reports/jmh)

jmh: $(JAR) ## JMH microbenchmarks (norms, hooks, data pipeline); JSON under reports/jmh/, or a run's jmh/ with RUN=<id> (report figure F7)
	$(MVNW) test-compile -pl bench -am
	mkdir -p $(JMH_DIR)
	source bench/bin/cpu-env.sh && java -cp bench/target/test-classes:bench/target/classes:$$(cat bench/target/jmh-classpath.txt) \
	  org.normbench.jmh.BenchmarkNorms -rf json -rff $(JMH_DIR)/jmh-$$(date +%Y%m%d-%H%M%S).json $(JMH_ARGS)

# DJL's JNI sources for gpu-setup: $DJL_SRC, else the local copy next to this checkout where one exists, else a git clone.
DJL_SRC_LOCAL := $(wildcard ../shared/third_party/djl-0.36.0)

gpu-setup: $(JAR) ## Use this box's own libtorch (pip torch, libtorch zip, libtorch-dev): builds DJL's JNI for it if needed, then doctor (docs/gpu.md)
	DJL_SRC="$${DJL_SRC:-$(DJL_SRC_LOCAL)}" $(NB) gpu-setup

test-gpu: ## GPU tests (JUnit tag gpu) on the libtorch gpu-setup selected; skipped with a reason when no CUDA device is visible
	./mvnw -B test -pl bench -am -Dgroups=gpu -Dnormbench.excludedGroups= -Dnormbench.libtorch=selected -Dsurefire.failIfNoSpecifiedTests=false

dist: ## Relocatable Linux x86-64 tar.gz with its own Java runtime under dist/; DIST_CPU=1 adds the CPU libtorch, DIST_REPORT=1 the report
	$(MVNW) package -DskipTests
	DJL_SRC="$${DJL_SRC:-$(DJL_SRC_LOCAL)}" bash bench/dist/make-dist.sh

gpu-kit: ## gpu-kit/: the GPU bundle, the gpu tests and bench/dist/gpu-checks.sh, to run every GPU check in one go on a node without Java (docs/gpu.md)
	$(MAKE) --no-print-directory dist DIST_CPU=0 DIST_REPORT=0
	$(MVNW) test-compile -pl bench -am
	bash bench/dist/make-gpu-kit.sh

clean: ## Remove build outputs (keeps datasets cache and stored results)
	$(MVNW) clean

test-faults: ## Every fault test (20+ SIGKILLs, full disk, injected NaN/OOM/exceptions), then docs/reliability.md's table
	./mvnw -B test -Dnormbench.excludedGroups=gpu -Dnormbench.faults.kills=24
	$(MAKE) --no-print-directory reliability-doc

bench-contention: $(JAR) ## cpu-smoke wall time quiet vs one busy core, A/B interleaved (GRID=, ROUNDS=); writes the slowdown figure
	bash datasets/scripts/fetch-embedded.sh
	bash bench/bin/contention-bench.sh $(if $(GRID),--grid $(GRID)) --rounds $(or $(ROUNDS),1) launcher

reliability-doc: ## Rebuild the figures table of docs/reliability.md from */target/reliability/*.tsv
	bash bench/bin/reliability-table.sh docs/reliability.md

