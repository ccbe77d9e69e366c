# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp host unit tests (TAP).

DANP_TESTS := api grad anp decor decor-lowrank adam train data threads contention \
	streams
DANP_TEST_BINS := $(patsubst %,$(O)/tests/unit/danp/test-%,$(DANP_TESTS))
UNIT_TESTS += $(DANP_TEST_BINS)

$(O)/tests/unit/danp/test-%: $(O)/tests/unit/danp/test-%.o $(LIBDANP_A)
	$(CC) -o $@ $^ $(DANP_LDLIBS)

# The thread pool's tests include its header, danp-pool.h, which the
# library keeps beside its sources for them (nothing else private).
$(O)/tests/unit/danp/test-threads.o $(O)/tests/unit/danp/test-contention.o: \
	CPPFLAGS += -I$(TOP)/lib/danp


# The tool's end-to-end test: a copy that knows where the tool is.
SMTJ_TRAIN_TEST := $(O)/tests/unit/danp/test-smtj-train
UNIT_TESTS += $(SMTJ_TRAIN_TEST)
$(SMTJ_TRAIN_TEST): tests/unit/danp/test-smtj-train.sh tests/unit/tap.sh $(O)/utils/smtj-train/smtj-train
	$(call script_test,$(O)/utils/smtj-train/smtj-train)

# The pool and the split step under ThreadSanitizer: libdanp rebuilt with
# clang -fsanitize=thread (OpenBLAS itself is not instrumented; its calls
# write disjoint blocks and are ordered by the pool's acquire/release).
DANP_TSAN_TEST := $(O)/tests/unit/danp/test-threads-tsan
UNIT_TESTS += $(DANP_TSAN_TEST)
HOST_ONLY_TESTS += $(DANP_TSAN_TEST)
$(DANP_TSAN_TEST): tests/unit/danp/test-threads.c $(DANP_SRCS) lib/danp/danp-internal.h lib/danp/danp-pool.h lib/include/libdanp.h
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=thread $(CPPFLAGS) $(COMMON_CPPFLAGS) -I$(TOP)/lib/danp -o $@ \
		$(filter %.c,$^) -lopenblas -lz -lm -pthread

# Regression tasks (teacher-student, CSV targets) through the tool.
SMTJ_TASKS_TEST := $(O)/tests/unit/danp/test-smtj-tasks
UNIT_TESTS += $(SMTJ_TASKS_TEST)
$(SMTJ_TASKS_TEST): tests/unit/danp/test-smtj-tasks.sh tests/unit/tap.sh $(O)/utils/smtj-train/smtj-train
	$(call script_test,$(O)/utils/smtj-train/smtj-train)
