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
DATASET  ?= fashion-mnist

.DEFAULT_GOAL := help
.PHONY: help build test format bench bench-compare report jmh datasets doctor summary clean

help: ## List the targets
	@echo "normbench - reproducible normalization x activation benchmarks (ResNet18, DJL + PyTorch)"
	@echo
	@echo "Set-up is two commands:  make bench   and   make test"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PROFILE=auto|cpu-smoke|cpu-study|full GRID=<file.yaml> RUN=<run-id> NORM=.. ACT=.. WIDTH=.. JMH_ARGS=.."

build: ## Compile and package the CLI jars (bench/target/normbench.jar, analysis/target/normbench-report.jar)
	$(MVNW) package -DskipTests

$(JAR):
	$(MVNW) package -DskipTests

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

bench: $(JAR) ## The study: PROFILE=auto picks 'full' on a CUDA box, else 'cpu-smoke'
	bash datasets/scripts/fetch-embedded.sh
	$(NB) bench --profile $(PROFILE) $(if $(GRID),--grid $(GRID)) $(if $(RUN),--run $(RUN))

bench-compare: $(JAR) ## DJL vs PyTorch eager step time on the same device (needs python3-torch)
	bash bench/reference/bench-compare.sh

report: ## HTML report from stored results: make report [RUN=<run-id>]
	$(MVNW) package -DskipTests -pl analysis
	java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar $(REPORTJ) $(if $(RUN),--run $(RUN),--all)

JMH_DIR = $(if $(RUN),reports/runs/$(RUN)/jmh,reports/jmh)

jmh: $(JAR) ## JMH microbenchmarks (norms, hooks, data pipeline); JSON under reports/jmh/, or a run's jmh/ with RUN=<id> (report figure F7)
	$(MVNW) test-compile -pl bench -am
	mkdir -p $(JMH_DIR)
	source bench/bin/cpu-env.sh && java -cp bench/target/test-classes:bench/target/classes:$$(cat bench/target/jmh-classpath.txt) \
	  org.openjdk.jmh.Main -rf json -rff $(JMH_DIR)/jmh-$$(date +%Y%m%d-%H%M%S).json $(JMH_ARGS)

clean: ## Remove build outputs (keeps datasets cache and stored results)
	$(MVNW) clean
