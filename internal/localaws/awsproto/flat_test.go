package awsproto

import (
	"net/url"
	"reflect"
	"testing"
)

func TestFlatListStopsAtTheFirstGap(t *testing.T) {
	params := url.Values{"AttributeName.1": {"All"}, "AttributeName.2": {"QueueArn"}, "AttributeName.4": {"late"}}
	if got := FlatList(params, "AttributeName"); !reflect.DeepEqual(got, []string{"All", "QueueArn"}) {
		t.Fatalf("FlatList = %v", got)
	}
	if got := FlatList(params, "TagKey"); got != nil {
		t.Fatalf("FlatList of an absent list = %v", got)
	}
}
