package handler

import "strings"

// ThumbnailKey returns the key of the thumbnail for the object at key:
// [ThumbnailPrefix] followed by key without inputPrefix. It returns "" when
// key does not name an object under inputPrefix (see [CatalogKey]).
//
// The key is the same whatever the output format, so a WebP source keeps its
// .webp name although the thumbnail holds PNG data.
func ThumbnailKey(inputPrefix, key string) string {
	rel, ok := relKey(inputPrefix, key)
	if !ok {
		return ""
	}
	return thumbnailKey(rel)
}

// CatalogKey returns the key of the catalog entry for the object at key:
// [CatalogPrefix], key without inputPrefix, then ".json". It returns "" when
// key does not start with inputPrefix, or when nothing but a folder
// placeholder follows it ("uploads/" or "uploads/photos/").
func CatalogKey(inputPrefix, key string) string {
	rel, ok := relKey(inputPrefix, key)
	if !ok {
		return ""
	}
	return catalogKey(rel)
}

// relKey returns key without inputPrefix, and false when key is outside the
// prefix or names a folder placeholder.
func relKey(inputPrefix, key string) (string, bool) {
	rel, ok := strings.CutPrefix(key, inputPrefix)
	if !ok || isFolder(rel) {
		return "", false
	}
	return rel, true
}

// isFolder reports whether rel is empty or ends in "/", as the zero-byte
// objects created by "Create folder" in the S3 console do.
func isFolder(rel string) bool {
	return rel == "" || strings.HasSuffix(rel, "/")
}

func thumbnailKey(rel string) string { return ThumbnailPrefix + rel }

func catalogKey(rel string) string { return CatalogPrefix + rel + ".json" }
