# Convenience targets; CI runs .ci/run.
.PHONY: build test race vet fmt tidy ci

build:
	go build -o edasctl ./cmd/edasctl

test:
	go test ./...

race:
	go test -race -count=1 ./...

vet:
	go vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	go mod tidy

ci:
	bash .ci/run
