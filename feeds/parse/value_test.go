package parse

import (
	"strings"
	"testing"
)

func TestValue(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		unit string
	}{
		{"4812", 4812, ""},
		{"4,812", 4812, ""},
		{"61%", 61, "%"},
		{"1.2M", 1.2e6, ""},
		{"€12k", 12000, "€"},
		{"$1,234.50", 1234.5, "$"},
		{"12.345.678", 12345678, ""},
		{"-3.5%", -3.5, "%"},
		{"1 234", 1234, ""},
		{"1\u00a0234", 1234, ""},
		{"1\u202f234\u202f567", 1234567, ""},
		{"1\u2009234", 1234, ""},
		{"1.234,56", 1234.56, ""},
		{"12,5", 12.5, ""},
		{"0,123", 0.123, ""},
		{"12 345,67 €", 12345.67, "€"},
		{"1'234'567", 1234567, ""},
		{"12,34,567", 1234567, ""}, // Indian grouping
		{"+12%", 12, "%"},
		{"−4", -4, ""}, // U+2212 minus, as word processors type it
		{"-$5", -5, "$"},
		{"(250)", -250, ""},
		{".5", 0.5, ""},
		{"1.2E+06", 1.2e6, ""},
		{"3.5 bn", 3.5e9, ""},
		{"2 Mio. €", 2e6, "€"},
		{"12k followers", 12000, "followers"},
		{"USD 1,000", 1000, "USD"},
		{"  42  ", 42, ""},
		{"7 km", 7, "km"},
		{"12.", 12, ""},
		{"R$ 5,50", 5.5, "R$"},
		{"US$5", 5, "US$"},
		{"#3", 3, "#"},
	}
	for _, tt := range tests {
		got, unit, err := Value(tt.in)
		if err != nil {
			t.Errorf("Value(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want || unit != tt.unit {
			t.Errorf("Value(%q) = %v, %q; want %v, %q", tt.in, got, unit, tt.want, tt.unit)
		}
	}
}

func TestValueRefuses(t *testing.T) {
	for _, in := range []string{
		"abc", "lots", "n/a", "-", "%", "1,23,4", "1.2.3", "1,234.567.8", "Q3 2024", "approximately 5",
		"1e999", "--5", "1,,2", "12 34", "x0", "v2", "abc12",
	} {
		v, unit, err := Value(in)
		if err == nil {
			t.Errorf("Value(%q) = %v, %q; want an error", in, v, unit)
			continue
		}
		if want := `cannot read "` + in + `" as a number`; err.Error() != want {
			t.Errorf("Value(%q) error %q, want %q", in, err, want)
		}
	}
	if _, _, err := Value("   "); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Value of blanks: %v, want empty", err)
	}
}

// In a semicolon-separated file (a decimal-comma locale) the comma is the
// decimal mark and a dot groups thousands.
func TestValueDecimalComma(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"4,812", 4.812}, {"1.000", 1000}, {"1.234,5", 1234.5}, {"12.345.678", 12345678}, {"3,5 %", 3.5}, {"1 234,5", 1234.5}, {"1.5", 1.5},
	}
	for _, tt := range tests {
		if got, _, err := value(tt.in, markComma); err != nil || got != tt.want {
			t.Errorf("value(%q, decimal comma) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, _, err := value("1,234,5", markComma); err == nil {
		t.Error("two decimal commas accepted")
	}
}
