# groupreceipt -- PGXS build
EXTENSION    = groupreceipt groupreceipt_proxy
MODULE_big   = groupreceipt
DATA         = $(wildcard sql/*--*.sql)

CORE_OBJS    = src/grbitmap_codec.o src/grbitmap_ops.o src/grblock_codec.o src/grvector_codec.o
OBJS         = $(CORE_OBJS) src/gr_alloc_pg.o src/bitmap_io.o src/bitmap_funcs.o src/bitmap_agg.o \
               src/receipts_spi.o src/receipts_write.o src/receipts_read.o \
               src/receipts_settings.o src/receipts_notify.o src/receipts_trigger.o \
               src/receipts_lock.o src/receipts_post_many.o src/receipts_limits.o \
               src/receipts_direct.o src/receipts_direct_ack.o src/receipts_direct_post.o \
               src/receipts_fold.o src/receipts_relcache.o src/receipts_wmcache.o \
               src/receipts_blocks.o src/receipts_sealed_funcs.o src/receipts_store_rows.o \
               src/receipts_archive.o src/receipts_logs.o src/receipts_storage.o

TESTS        = $(wildcard test/sql/*.sql)
REGRESS      = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test --outputdir=test --load-extension=groupreceipt

SPECS        = $(wildcard test/specs/*.spec)
ISOLATION    = $(patsubst test/specs/%.spec,%,$(SPECS))
ISOLATION_OPTS = --inputdir=test --outputdir=test/output_iso --load-extension=groupreceipt

PG_CPPFLAGS  = -I$(srcdir)/src
# Warnings always; -Werror only where asked (CI: make PG_CFLAGS=-Werror), so a
# user's newer compiler can still build and install.
override PG_CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers

PG_CONFIG   ?= pg_config
PGXS        := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# header dependencies (PGXS does not track them)
$(CORE_OBJS): src/grbitmap.h src/grblock.h src/grvector.h src/gr_alloc.h src/gr_varint.h
src/gr_alloc_pg.o: src/gr_alloc.h
src/bitmap_io.o src/bitmap_funcs.o src/bitmap_agg.o: src/bitmap.h src/grbitmap.h
src/receipts_spi.o src/receipts_write.o src/receipts_read.o src/receipts_settings.o src/receipts_notify.o src/receipts_trigger.o src/receipts_lock.o src/receipts_post_many.o src/receipts_limits.o src/receipts_direct.o src/receipts_direct_ack.o src/receipts_direct_post.o src/receipts_fold.o src/receipts_relcache.o src/receipts_wmcache.o src/receipts_blocks.o src/receipts_sealed_funcs.o src/receipts_store_rows.o \
               src/receipts_archive.o: src/receipts.h src/bitmap.h src/grbitmap.h
src/receipts_direct.o src/receipts_direct_ack.o src/receipts_direct_post.o src/receipts_fold.o src/receipts_relcache.o src/receipts_blocks.o src/receipts_sealed_funcs.o src/receipts_store_rows.o \
               src/receipts_archive.o: src/receipts_direct.h
src/receipts_direct.o src/receipts_direct_ack.o src/receipts_fold.o src/receipts_blocks.o src/receipts_sealed_funcs.o src/receipts_store_rows.o \
               src/receipts_archive.o: src/receipts_blocks.h src/grblock.h
src/receipts_direct.o src/receipts_fold.o src/receipts_write.o src/receipts_read.o src/receipts_store_rows.o: src/receipts_store_rows.h src/grvector.h
src/receipts_storage.o: src/receipts.h src/receipts_direct.h src/receipts_archive.h src/receipts_blocks.h src/receipts_logs.h src/receipts_store_rows.h

# The server module's object files, one per line (scripts/package_test.sh
# derives the packaged JIT bitcode from them).
print-module-objs:
	@for o in $(OBJS); do echo "$$o"; done
.PHONY: print-module-objs

# Unit tests of the pure C core, built without the server.
UNIT_CFLAGS = -std=c99 -O1 -g -Wall -Wextra -Werror -Isrc -DGR_STANDALONE
# (the standalone programs allocate through test/unit/gr_alloc_libc.c).
STANDALONE_SRCS = $(CORE_OBJS:.o=.c) test/unit/gr_alloc_libc.c
STANDALONE_HDRS = src/grbitmap.h src/grblock.h src/grvector.h src/gr_alloc.h src/gr_varint.h
test/unit/grbitmap_unit: test/unit/grbitmap_unit.c test/unit/unit_check.h $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -o $@ test/unit/grbitmap_unit.c $(STANDALONE_SRCS)

test/unit/grblock_unit: test/unit/grblock_unit.c test/unit/unit_check.h $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -o $@ test/unit/grblock_unit.c $(STANDALONE_SRCS)

test/unit/grvector_unit: test/unit/grvector_unit.c test/unit/unit_check.h $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -o $@ test/unit/grvector_unit.c $(STANDALONE_SRCS)

unitcheck: test/unit/grbitmap_unit test/unit/grblock_unit test/unit/grvector_unit
	test/unit/grbitmap_unit
	test/unit/grblock_unit
	test/unit/grvector_unit

.PHONY: unitcheck
EXTRA_CLEAN = test/unit/grbitmap_unit test/unit/grblock_unit test/unit/grvector_unit test/fuzz/grblock_fuzz test/fuzz/grvector_fuzz test/results test/regression.diffs test/regression.out test/output_iso test/proxy/results test/proxy/regression.diffs test/proxy/regression.out test/fuzz/grbitmap_fuzz test/fuzz/work

# The API sharded by group through PL/Proxy: a proxy database and four
# partition databases in the running cluster (needs postgresql-15-plproxy).
PROXY_TESTS = proxy_setup proxy_routing proxy_grants proxy_differential
proxycheck:
	$(pg_regress_installcheck) --inputdir=test/proxy --outputdir=test/proxy --dbname=gr_proxy $(PROXY_TESTS)
.PHONY: proxycheck

# libFuzzer harnesses over the pure C cores: the bitmap, block and vector codecs
# (needs clang and libclang-rt-14-dev).  fuzzcheck: for each, first every
# committed regression input, then FUZZ_SECONDS of fuzzing from the committed
# seed corpus (new inputs go to a scratch copy).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS   = -g -O1 -Isrc -DGR_STANDALONE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
test/fuzz/grbitmap_fuzz: test/fuzz/grbitmap_fuzz.c $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	clang $(FUZZ_CFLAGS) -o $@ test/fuzz/grbitmap_fuzz.c $(STANDALONE_SRCS)

test/fuzz/grblock_fuzz: test/fuzz/grblock_fuzz.c $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	clang $(FUZZ_CFLAGS) -o $@ test/fuzz/grblock_fuzz.c $(STANDALONE_SRCS)

test/fuzz/grvector_fuzz: test/fuzz/grvector_fuzz.c $(STANDALONE_SRCS) $(STANDALONE_HDRS)
	clang $(FUZZ_CFLAGS) -o $@ test/fuzz/grvector_fuzz.c $(STANDALONE_SRCS)

fuzzcheck: test/fuzz/grbitmap_fuzz test/fuzz/grblock_fuzz test/fuzz/grvector_fuzz
	test/fuzz/grbitmap_fuzz -runs=0 test/fuzz/regressions test/fuzz/corpus
	rm -rf test/fuzz/work && mkdir -p test/fuzz/work
	test/fuzz/grbitmap_fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=test/fuzz/ test/fuzz/work test/fuzz/corpus
	test/fuzz/grblock_fuzz -runs=0 test/fuzz/grblock_regressions test/fuzz/grblock_corpus
	rm -rf test/fuzz/work && mkdir -p test/fuzz/work
	test/fuzz/grblock_fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=test/fuzz/ test/fuzz/work test/fuzz/grblock_corpus
	test/fuzz/grvector_fuzz -runs=0 test/fuzz/grvector_regressions test/fuzz/grvector_corpus
	rm -rf test/fuzz/work && mkdir -p test/fuzz/work
	test/fuzz/grvector_fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=test/fuzz/ test/fuzz/work test/fuzz/grvector_corpus
.PHONY: fuzzcheck
