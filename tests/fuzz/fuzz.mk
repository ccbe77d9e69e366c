# SPDX-License-Identifier: GPL-2.0-or-later
#
# What the fuzz fragments below share.

# $(call fuzz_run,DIR,SECONDS,MAX_LEN): recipe of the phony run fuzz-*-%:
# the libFuzzer program $< for SECONDS on the corpus DIR/corpus-%, seeded
# from DIR/seed/%, inputs up to MAX_LEN bytes; crashes are saved as
# DIR/crash-%-*, and the log DIR/fuzz-%.log is shown when the run fails.
define fuzz_run
	@mkdir -p $(1)/corpus-$*
	$< -max_total_time=$(2) -max_len=$(3) -print_final_stats=0 \
		-artifact_prefix=$(1)/crash-$*- \
		$(1)/corpus-$* $(1)/seed/$* 2>$(1)/fuzz-$*.log \
		|| { tail -n 40 $(1)/fuzz-$*.log; exit 1; }
	@grep -h 'DONE\|stat::number_of_executed_units' $(1)/fuzz-$*.log | tail -n 1
endef
