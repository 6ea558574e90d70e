package ccm

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode"
)

// Binary is a "format: binary" field: standard base64 in JSON, which is what
// it sends. Reading is lenient, because a server may echo the same bytes in
// another base64 form (no padding, MIME line breaks, the URL alphabet), and
// an answer is never refused for the form of one field: a value that is not
// base64 at all is kept as its text, so it still compares stably, and a
// value that is not a string reads as empty.
type Binary []byte

// MarshalJSON sends standard base64, as encoding/json does for []byte.
func (b Binary) MarshalJSON() ([]byte, error) { return json.Marshal([]byte(b)) }

// UnmarshalJSON reads any base64 form; see Binary.
func (b *Binary) UnmarshalJSON(data []byte) error {
	*b = decodeBinary(data)
	return nil
}

// decodeBinary reads a JSON value holding base64 in any common form.
func decodeBinary(data []byte) []byte {
	var s string
	if json.Unmarshal(data, &s) != nil {
		return nil
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	return []byte(s)
}
