package oas

import "testing"

func benchmarkImport(b *testing.B, name string) {
	data := readTestdata(b, name)
	opt := fullOpts
	opt.Filename = name
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Import(data, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportPetStoreJSON(b *testing.B) { benchmarkImport(b, "petstore.json") }
func BenchmarkImportRichYAML(b *testing.B)     { benchmarkImport(b, "rich.yaml") }

func BenchmarkExportRich(b *testing.B) {
	api := importFile(b, "rich.yaml")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Export(api); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportAliasBomb measures how fast a document whose YAML aliases
// expand without bound is refused.
func BenchmarkImportAliasBomb(b *testing.B) {
	data := readTestdata(b, "errors/aliases.yaml")
	for b.Loop() {
		if _, err := Import(data, ImportOptions{}); err == nil {
			b.Fatal("accepted")
		}
	}
}
