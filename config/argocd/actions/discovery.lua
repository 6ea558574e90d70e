-- Argo CD action discovery for accounts.operator.dev Account: the actions
-- Argo CD offers for obj (UI menu, `argocd app actions list`). While the
-- Account is paused (annotation accounts.operator.dev/paused exactly "true",
-- as the operator reads it) only resume is enabled: a paused Account makes no
-- upstream call, so a reconcile or rotation would do nothing until it resumes.
-- rotate is offered only for a VectorCharts Account (spec.vectorCharts set).
-- Keep argocd-cm.yaml in sync: go test ./test/gitops/ -run TestArgoCDConfigMap -update
local annotations = obj.metadata.annotations
local paused = annotations ~= nil and annotations["accounts.operator.dev/paused"] == "true"

local actions = {}
actions["reconcile"] = {["disabled"] = paused, ["iconClass"] = "fa fa-fw fa-sync", ["displayName"] = "Reconcile now"}
actions["pause"] = {["disabled"] = paused, ["iconClass"] = "fa fa-fw fa-pause", ["displayName"] = "Pause"}
actions["resume"] = {["disabled"] = not paused, ["iconClass"] = "fa fa-fw fa-play", ["displayName"] = "Resume"}
if obj.spec ~= nil and obj.spec.vectorCharts ~= nil then
  actions["rotate"] = {["disabled"] = paused, ["iconClass"] = "fa fa-fw fa-key", ["displayName"] = "Rotate API token"}
end
return actions
