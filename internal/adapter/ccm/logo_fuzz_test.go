package ccm

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"unicode"
)

// FuzzIsImage: never panics; accepts everything net/http sniffs as PNG or
// JPEG; anything else it accepts is SVG markup by the documented rule (after
// an optional BOM and white space it starts with '<', and "<svg" in any ASCII
// case occurs in the first 1024 bytes). So GIF, WebP, BMP, ICO, HTML without
// an <svg element and plain text are refused.
func FuzzIsImage(f *testing.F) {
	for _, s := range []string{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "\xff\xd8\xff\xe0\x00\x10JFIF\x00",
		"GIF89a\x01\x00", "RIFF\x00\x00\x00\x00WEBPVP8 ", "BM", "\x00\x00\x01\x00",
		`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`, "\xef\xbb\xbf \n<SVG>",
		"<html><body>hi</body></html>", "<!-- <svg --> x", "hello <svg>", "<", "", "\xff\xfe<\x00s\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := isImage(b)
		sniffed := http.DetectContentType(b)
		raster := sniffed == "image/png" || sniffed == "image/jpeg"
		if raster && !got {
			t.Fatalf("isImage(%q) = false, but net/http sniffs %s", b, sniffed)
		}
		if got && !raster && !svgRule(b) {
			t.Fatalf("isImage(%q) = true for %s that is not SVG markup", b, sniffed)
		}
		if !got && svgRule(b) {
			t.Fatalf("isImage(%q) = false for SVG markup", b)
		}
	})
}

// FuzzIsImageSVG builds SVG documents (BOM, white space, a prolog such as an
// XML declaration or comment, then the <svg element) and checks every one
// whose element starts within the first 1024 bytes is accepted.
func FuzzIsImageSVG(f *testing.F) {
	f.Add(true, " \n\t", `<?xml version="1.0" encoding="UTF-8"?>`, "svg", ` viewBox="0 0 1 1"/>`)
	f.Add(false, "", "<!-- logo -->", "SvG", ">")
	f.Fuzz(func(t *testing.T, bom bool, space, prolog, tag, rest string) {
		if strings.ToLower(tag) != "svg" || strings.TrimLeft(space, " \t\r\n") != "" {
			return // the tag must be "svg" in some case, space only white space
		}
		doc := space + prolog + "<" + tag + rest
		if bom {
			doc = "\xef\xbb\xbf" + doc
		}
		start := len(doc) - len(rest) - len(tag) - 1
		if !isImage([]byte(doc)) && start+4 <= 1024 && (prolog == "" || prolog[0] == '<') {
			t.Fatalf("isImage(%q) = false for an SVG document", doc)
		}
	})
}

// svgRule restates the SVG check with ASCII case folding only.
func svgRule(b []byte) bool {
	head := b[:min(len(b), 1024)]
	trimmed := bytes.TrimLeftFunc(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), unicode.IsSpace)
	if len(trimmed) == 0 || trimmed[0] != '<' {
		return false
	}
	for i := 0; i+4 <= len(head); i++ {
		if head[i] == '<' && lowerASCII(head[i+1]) == 's' && lowerASCII(head[i+2]) == 'v' && lowerASCII(head[i+3]) == 'g' {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
