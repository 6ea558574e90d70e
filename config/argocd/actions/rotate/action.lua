-- Argo CD action rotate: rotate a VectorCharts Account's API token once
-- (annotation accounts.operator.dev/rotate-requested-at, set to the current
-- UTC time; the operator echoes it in
-- status.vectorCharts.lastHandledRotateRequestedAt). Refused for other
-- upstreams, which have no token to rotate.
if obj.spec == nil or obj.spec.vectorCharts == nil then
  error("rotate applies only to a VectorCharts Account (spec.vectorCharts)", 0)
end
local os = require("os")
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["accounts.operator.dev/rotate-requested-at"] = os.date("!%Y-%m-%dT%XZ")
return obj
