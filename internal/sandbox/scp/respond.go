package scp

import (
	"encoding/json"
	"net/http"

	"github.com/account-operator/account-operator/internal/sandbox/fault"
)

// errorEntry is one item of the SCP error envelope as Samsung's own Terraform
// provider parses it; detail is a string or a list of strings.
type errorEntry struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail any    `json:"detail"`
}

// writeError answers {"errors":[{status, code, title, detail}]}.
func writeError(w http.ResponseWriter, status int, code string, detail any) {
	fault.WriteJSON(w, status, map[string][]errorEntry{
		"errors": {{Status: status, Code: code, Title: http.StatusText(status), Detail: detail}},
	})
}

// readBody decodes a JSON request body; a bad body answers 400 and false.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "Common.InvalidRequestBody", "request body is not valid JSON for this API")
		return false
	}
	return true
}
