package scp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

// clientType is the fixed Scp-ClientType value; it is also the last part of the
// signed message.
const clientType = "Openapi"

// errInvalidUTF8 mirrors the URIError JavaScript's encodeURI throws for a lone
// surrogate: a string that is not valid Unicode cannot be signed.
var errInvalidUTF8 = errors.New("scp: URL is not valid UTF-8")

// encodeURIKeep is every character ECMAScript encodeURI leaves alone
// (uriReserved, uriUnescaped and '#'). Note '%' is absent: encodeURI turns an
// existing "%41" into "%2541".
const encodeURIKeep = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" +
	";,/?:@&=+$" + "-_.!~*'()" + "#"

// encodeURI implements ECMAScript's encodeURI (ECMA-262 §19.2.6.5): every code
// point outside encodeURIKeep becomes its UTF-8 bytes as uppercase %XX.
func encodeURI(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errInvalidUTF8
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf && strings.IndexByte(encodeURIKeep, byte(r)) >= 0 {
			b.WriteByte(byte(r))
			continue
		}
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		for _, c := range buf[:n] {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&0x0F])
		}
	}
	return b.String(), nil
}

const upperHex = "0123456789ABCDEF"

// signature computes Scp-Signature: Base64(HMAC-SHA256(secretKey, METHOD +
// encodeURI(fullURL) + timestamp + accessKey + "Openapi")), standard base64
// with padding. fullURL must be the URL exactly as sent (scheme, host, path and
// query); the body is not signed.
func signature(secretKey httpapi.Secret, method, fullURL string, timestampMillis int64, accessKey httpapi.Secret) (string, error) {
	enc, err := encodeURI(fullURL)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, []byte(secretKey.Reveal()))
	mac.Write([]byte(strings.ToUpper(method)))
	mac.Write([]byte(enc))
	mac.Write([]byte(strconv.FormatInt(timestampMillis, 10)))
	mac.Write([]byte(accessKey.Reveal()))
	mac.Write([]byte(clientType))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
