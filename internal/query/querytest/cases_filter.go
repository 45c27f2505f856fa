package querytest

// Entries (see fixture_test.go), in default order:
//
//	id name       note         score level  active flag  created              expires    tags
//	1  admin      "First key"  1.5   3      true   null  2024-01-01 00:00:00  null       [ops Prod]
//	2  ci-build   null         2.0   null   false  true  2024-03-15 12:30:00  2025-01-01 [ci]
//	3  Ci-Deploy  "deploy key" null  1      true   false 2024-03-15 12:30:00  2024-06-01 []
//	4  Straße     "ÉCOLE"      -3.0  10     false  null  2023-12-31 23:59:59  2030-01-01 [x y ops]
//	5  backup     ""           0.0   2      true   true  2024-05-05 00:00:00  null       [BACKUP]
//	6  admin2     "second"     1e20  maxint true   false 2024-01-01 00:00:00.5 2024-06-01 [ops]

var equalityCases = []Case{
	{Name: "EqString", Filters: `[["name","=","admin"]]`, Want: `[1]`},
	{Name: "EqStringCaseSensitive", Filters: `[["name","=","ADMIN"]]`, Want: `[]`},
	{Name: "NeString", Filters: `[["name","!=","admin"]]`, Want: `[2,3,4,5,6]`},
	{Name: "EqNull", Filters: `[["note","=",null]]`, Want: `[2]`},
	{Name: "NeNull", Filters: `[["note","!=",null]]`, Want: `[1,3,4,5,6]`},
	{Name: "EqIntByValue", Filters: `[["level","=",3.0]]`, Want: `[1]`},
	{Name: "EqFloatColumnWithInt", Filters: `[["score","=",2]]`, Want: `[2]`},
	{Name: "EqMaxInt", Filters: `[["level","=",9223372036854775807]]`, Want: `[6]`},
	{Name: "EqBigFloat", Filters: `[["score","=",100000000000000000000]]`, Want: `[6]`},
	{Name: "EqAcrossTypes", Filters: `[["level","=","3"]]`, Want: `[]`},
	{Name: "NeAcrossTypesIncludesNull", Filters: `[["level","!=","3"]]`, Want: `[1,2,3,4,5,6]`},
	{Name: "EqBool", Filters: `[["active","=",true]]`, Want: `[1,3,5,6]`},
	{Name: "EqBoolIsNotNumber", Filters: `[["active","=",1]]`, Want: `[]`},
	{Name: "NeBoolWithNulls", Filters: `[["flag","!=",true]]`, Want: `[1,3,4,6]`},
	{Name: "EqNullBool", Filters: `[["flag","=",null]]`, Want: `[1,4]`},
	{Name: "EqRedacted", Filters: `[["secret","=","********"]]`, Want: `[1,2,3,4,5,6]`},
	{Name: "EqJSONArray", Filters: `[["tags","=",["ops","Prod"]]]`, Want: `[1]`},
	{Name: "EqJSONObject", Filters: `[["meta.owner","=",{"uid":1000,"name":"ci"}]]`, Want: `[2]`},
	{Name: "EqJSONNumberByValue", Filters: `[["meta.n","=",1.0]]`, Want: `[1]`},
	{Name: "EqJSONBigInt", Filters: `[["meta.n","=",9007199254740993]]`, Want: `[6]`},
	{Name: "EqJSONBigIntNotFloat", Filters: `[["meta.n","=",9007199254740992.0]]`, Want: `[]`},
	{Name: "NeColumnNull", Filters: `[["meta","!=",null]]`, Want: `[1,2,4,5,6]`},
	{Name: "EqColumnNull", Filters: `[["meta","=",null]]`, Want: `[3]`},
}

var orderingCases = []Case{
	{Name: "GtInt", Filters: `[["level",">",2]]`, Want: `[1,4,6]`},
	{Name: "GeInt", Filters: `[["level",">=",2]]`, Want: `[1,4,5,6]`},
	{Name: "LtFloat", Filters: `[["score","<",0]]`, Want: `[4]`},
	{Name: "LeFloat", Filters: `[["score","<=",0]]`, Want: `[4,5]`},
	{Name: "GtIntWithFraction", Filters: `[["level",">",2.5]]`, Want: `[1,4,6]`},
	{Name: "LtIntWithFraction", Filters: `[["level","<",1.5]]`, Want: `[3]`},
	{Name: "GtString", Filters: `[["name",">","b"]]`, Want: `[2,5]`},
	{Name: "LeString", Filters: `[["name","<=","admin"]]`, Want: `[1,3,4]`},
	{Name: "GtAcrossTypes", Filters: `[["name","<",1]]`, Want: `[]`},
	{Name: "GeNull", Filters: `[["note",">=",null]]`, Want: `[]`},
	{Name: "GtBool", Filters: `[["active",">",false]]`, Want: `[]`},
	{Name: "GtJSONNumbers", Filters: `[["meta.n",">",1]]`, Want: `[2,6]`},
	{Name: "GtJSONString", Filters: `[["meta.n",">","a"]]`, Want: `[5]`},
}

var dateCases = []Case{
	{Name: "GtDate", Filters: `[["created",">",{"$date":1704067200000}]]`, Want: `[2,3,5,6]`},
	{Name: "EqDate", Filters: `[["expires","=",{"$date":1717200000000}]]`, Want: `[3,6]`},
	{Name: "EqDateIsNotNumber", Filters: `[["expires","=",1717200000000]]`, Want: `[]`},
	{Name: "DateSuffixISODate", Filters: `[["created.$date","<","2024-01-01"]]`, Want: `[4]`},
	{Name: "DateSuffixFraction", Filters: `[["created.$date","<=","2024-01-01T00:00:00.4Z"]]`, Want: `[1,4]`},
	{Name: "DateSuffixSubMillisecondGt", Filters: `[["created.$date",">","2024-01-01T00:00:00.4999999Z"]]`, Want: `[2,3,5,6]`},
	{Name: "DateSuffixSubMillisecondGe", Filters: `[["created.$date",">=","2024-01-01T00:00:00.5000001"]]`, Want: `[2,3,5]`},
	{Name: "DateSuffixOffset", Filters: `[["expires.$date","=","2024-06-01T02:00:00+02:00"]]`, Want: `[3,6]`},
	{Name: "DateSuffixNe", Filters: `[["expires.$date","!=","2024-06-01"]]`, Want: `[1,2,4,5]`},
	{Name: "DateSuffixTimeValue", Filters: `[["expires.$date",">",{"$date":1735603200000}]]`, Want: `[2,4]`},
	{Name: "DateSuffixSpace", Filters: `[["meta.seen.$date",">","2024-01-01 00:00"]]`, Want: `[1]`},
	{Name: "DateSuffixOnString", Filters: `[["name.$date","=","2024-01-01"]]`, Want: `[]`},
}

var regexpCases = []Case{
	{Name: "RegexpAtStart", Filters: `[["name","~","ad"]]`, Want: `[1,6]`},
	{Name: "RegexpNotFullMatch", Filters: `[["name","~","admin"]]`, Want: `[1,6]`},
	{Name: "RegexpNotInMiddle", Filters: `[["name","~","min"]]`, Want: `[]`},
	{Name: "RegexpInlineFlag", Filters: `[["name","~","(?i)ci-"]]`, Want: `[2,3]`},
	{Name: "RegexpCaseSensitive", Filters: `[["name","~","ci-"]]`, Want: `[2]`},
	{Name: "RegexpAlternation", Filters: `[["name","~","a|b"]]`, Want: `[1,5,6]`},
	{Name: "RegexpNullIsEmpty", Filters: `[["note","~","$"]]`, Want: `[2,5]`},
	{Name: "RegexpEmptyMatchesAll", Filters: `[["note","~",""]]`, Want: `[1,2,3,4,5,6]`},
	{Name: "RegexpNonString", Filters: `[["level","~",""]]`, Want: `[2]`},
	{Name: "RegexpNonStringNoMatch", Filters: `[["score","~","1"]]`, Want: `[]`},
	{Name: "RegexpStarPath", Filters: `[["tags.*","~","(?i)prod"]]`, Want: `[1]`},
	{Name: "RegexpUnicode", Filters: `[["name","~","Stra.e$"]]`, Want: `[4]`},
}

var memberCases = []Case{
	{Name: "InList", Filters: `[["name","in",["admin","backup","nope"]]]`, Want: `[1,5]`},
	{Name: "NinList", Filters: `[["name","nin",["admin","backup"]]]`, Want: `[2,3,4,6]`},
	{Name: "InString", Filters: `[["name","in","the admin2 key"]]`, Want: `[1,6]`},
	{Name: "NinString", Filters: `[["name","nin","the admin2 key"]]`, Want: `[2,3,4,5]`},
	{Name: "InListMixedTypes", Filters: `[["level","in",[1,2.0,"3",null]]]`, Want: `[2,3,5]`},
	{Name: "NinListNullIsFalse", Filters: `[["level","nin",[1,null]]]`, Want: `[1,4,5,6]`},
	{Name: "NinStringNullIsFalse", Filters: `[["note","nin","First key second"]]`, Want: `[3,4]`},
	{Name: "InStringNonString", Filters: `[["level","in","123"]]`, Want: `[]`},
	{Name: "InNeither", Filters: `[["name","in",5]]`, Want: `[]`},
	{Name: "NinNeither", Filters: `[["name","nin",5]]`, Want: `[]`},
	{Name: "InEmptyList", Filters: `[["name","in",[]]]`, Want: `[]`},
	{Name: "NinEmptyList", Filters: `[["note","nin",[]]]`, Want: `[1,3,4,5,6]`},
	{Name: "InListOfLists", Filters: `[["tags","in",[["ci"],[]]]]`, Want: `[2,3]`},
	{Name: "InSet", Filters: `[["active","in",{"$set":[true]}]]`, Want: `[1,3,5,6]`},
	{Name: "InDates", Filters: `[["expires","in",[{"$date":1717200000000},null]]]`, Want: `[1,3,5,6]`},
	{Name: "RinList", Filters: `[["tags","rin","ops"]]`, Want: `[1,4,6]`},
	{Name: "RninList", Filters: `[["tags","rnin","ops"]]`, Want: `[2,3,5]`},
	{Name: "RinString", Filters: `[["name","rin","ci"]]`, Want: `[2]`},
	{Name: "RninString", Filters: `[["name","rnin","a"]]`, Want: `[2,3]`},
	{Name: "RinNeither", Filters: `[["level","rin",1]]`, Want: `[]`},
	{Name: "RninNeither", Filters: `[["level","rnin",1]]`, Want: `[]`},
	{Name: "RinStringNonString", Filters: `[["name","rin",1]]`, Want: `[]`},
	{Name: "RinObject", Filters: `[["meta.groups","rin",{"gid":1000,"name":"ci"}]]`, Want: `[2]`},
	{Name: "RninNullElement", Filters: `[["tags","rnin",null]]`, Want: `[1,2,3,4,5,6]`},
}
