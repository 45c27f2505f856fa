# Conveniences; the README gives the plain commands too.

.PHONY: run test screenshots ci

run:
	go run ./cmd/keyward

test:
	go test -race ./...

# Browser tests save their screenshots into docs/screenshots.
screenshots:
	mkdir -p docs/screenshots
	SCREENSHOTS=$(CURDIR)/docs/screenshots go test -count=1 ./internal/web \
		-run 'TestFirstRunSetup|TestListQueriesAndRows|TestAddKeyAndDialog|TestDeleteDialog|TestNarrowWindow|TestItem14PhoneCards|TestItem16DarkMode'

ci:
	./.ci/run
