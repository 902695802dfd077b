package deploy

import (
	"reflect"
	"slices"
)

// inputReaders are the functions that read the input object: the splitter
// (HeadObject, pinned to the event's version) and the range workers
// (ranged GetObject of the pinned version).
func inputReaders() []string { return []string{splitter, worker} }

// inputReadActions are what reading one pinned version takes: GetObject,
// and GetObjectVersion for a request that names a versionId (Service
// Authorization Reference, Amazon S3).
func inputReadActions() []string { return []string{"s3:GetObject", "s3:GetObjectVersion"} }

// checkInput: the input bucket (the bucket sending EventBridge
// notifications) is retained with its data when the stack goes, is
// versioned so every "Object Created" event carries the version-id the
// splitter pins, expires replaced versions LedgerTTLDays after they stop
// being current, and the splitter's and worker's roles may read any
// version of its objects.
func checkInput(t tree) []error {
	var p problems
	for _, id := range ofType(t, "AWS::S3::Bucket") {
		if !eventBridgeEnabled(t, id) {
			continue
		}
		if !retained(t, id) {
			p.add(id, "DeletionPolicy and UpdateReplacePolicy must be Retain: the input bucket holds the user's data")
		}
		if s := str(props(t, id), "VersioningConfiguration", "Status"); s != "Enabled" {
			p.add(id, "VersioningConfiguration.Status is %q, want Enabled: without it Object Created events carry no version-id", s)
		}
		if !expiresNoncurrent(props(t, id)) {
			p.add(id, "no enabled lifecycle rule with NoncurrentVersionExpiration.NoncurrentDays = Ref LedgerTTLDays: replaced versions would be kept forever")
		}
		checkInputReaders(t, id, &p)
	}
	return p
}

// checkInputReaders checks that each reader's role may read every version
// of the input bucket's objects.
func checkInputReaders(t tree, bucket string, p *problems) {
	objects := tree{"Fn::Sub": "${" + bucket + ".Arn}/*"}
	for id, name := range functionsByID(t) {
		if !slices.Contains(inputReaders(), name) {
			continue
		}
		role := refTo(fnProp(t, id, "Role"), "Arn")
		for _, a := range inputReadActions() {
			if !roleAllows(t, role, a, objects) {
				p.add(id, "role %q may not %s on %v: it reads pinned versions of the input", role, a, objects["Fn::Sub"])
			}
		}
	}
}

// retained reports whether resource id survives both stack deletion and
// replacement.
func retained(t tree, id string) bool {
	return str(t, "Resources", id, "DeletionPolicy") == "Retain" &&
		str(t, "Resources", id, "UpdateReplacePolicy") == "Retain"
}

// expiresNoncurrent reports whether a bucket has an enabled rule expiring
// noncurrent versions after LedgerTTLDays.
func expiresNoncurrent(pr any) bool {
	ttl := tree{"Ref": "LedgerTTLDays"}
	return slices.ContainsFunc(list(get(pr, "LifecycleConfiguration", "Rules")), func(r any) bool {
		return str(r, "Status") == "Enabled" &&
			reflect.DeepEqual(get(r, "NoncurrentVersionExpiration", "NoncurrentDays"), any(ttl))
	})
}
