package ccm

import (
	"encoding/json"
	"testing"
)

func TestBinaryReadsEveryBase64Form(t *testing.T) {
	want := "\xfb\xff\xfe logo bytes"
	for _, tc := range []struct{ name, json, want string }{
		{"standard", `"+//+IGxvZ28gYnl0ZXM="`, want},
		{"no padding", `"+//+IGxvZ28gYnl0ZXM"`, want},
		{"line breaks", `"+//+IGxv\r\nZ28gYnl0\nZXM="`, want},
		{"url alphabet", `"-__-IGxvZ28gYnl0ZXM="`, want},
		{"url, no padding", `"-__-IGxvZ28gYnl0ZXM"`, want},
		{"not base64: kept as text", `"@@not base64@@"`, "@@notbase64@@"},
		{"null", `null`, ""},
		{"another type", `{"x":1}`, ""},
	} {
		var got struct {
			B Binary      `json:"b"`
			K SecretBytes `json:"k"`
		}
		if err := json.Unmarshal([]byte(`{"b":`+tc.json+`,"k":`+tc.json+`}`), &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(got.B) != tc.want || string(got.K) != tc.want {
			t.Errorf("%s: read %q / %q, want %q", tc.name, got.B, got.K, tc.want)
		}
	}
	out, _ := json.Marshal(Binary(want))
	if string(out) != `"+//+IGxvZ28gYnl0ZXM="` {
		t.Errorf("Binary sends %s, want standard base64", out)
	}
}
