package awsproto

import (
	"errors"
	"log/slog"
	"net/http"
)

// ServeQuery runs one query-protocol request through serve with a fresh
// request ID and is the service's single error funnel: an *Error is written
// in the query error shape; any other error, or a panic, is logged under the
// service's name and answered with a 500 InternalFailure that reveals
// nothing of the cause.
func ServeQuery(w http.ResponseWriter, r *http.Request, service, xmlns string, log *slog.Logger, serve func(w http.ResponseWriter, r *http.Request, reqID string) error) {
	reqID := NewRequestID()
	defer func() {
		if p := recover(); p != nil {
			log.Error(service+": panic serving request", "panic", p)
			WriteQueryError(w, ErrInternal, xmlns, reqID)
		}
	}()
	if err := serve(w, r, reqID); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			log.Error(service+": internal error", "err", err)
			e = ErrInternal
		}
		WriteQueryError(w, e, xmlns, reqID)
	}
}
