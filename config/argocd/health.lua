-- Argo CD health check for accounts.operator.dev Account, AccountProvider and
-- ClusterAccountProvider. It reads the conditions the operator writes (see
-- controllers/conditions.go) and uses only the Lua base library, because Argo CD
-- opens no string or math library for scripts set in argocd-cm.
-- Keep argocd-cm.yaml in sync: go test ./test/gitops/ -run TestArgoCDConfigMap -update
hs = {}
local waiting = "waiting for the operator"

local function find(conditions, t)
  for _, c in ipairs(conditions) do
    if c.type == t then
      return c
    end
  end
  return nil
end

local function is(c, status)
  return c ~= nil and c.status == status
end

local function message(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

-- unobserved: the operator has not yet reported on this generation, so any
-- condition present describes an older spec.
local function unobserved(o)
  local st = o.status
  if st == nil or st.conditions == nil or #st.conditions == 0 then
    return true
  end
  local gen = o.metadata.generation
  return gen ~= nil and (st.observedGeneration == nil or st.observedGeneration < gen)
end

-- Paused is checked before Ready: a paused Account keeps its last Ready
-- condition, and Suspended tells that drift is no longer corrected.
local function account(conds)
  local stalled = find(conds, "Stalled")
  if is(stalled, "True") then
    return "Degraded", message(stalled, "stalled")
  end
  local synced = find(conds, "Synced")
  if is(synced, "False") and synced.reason == "Paused" then
    return "Suspended", message(synced, "paused")
  end
  local ready = find(conds, "Ready")
  if is(ready, "True") then
    return "Healthy", message(ready, "ready")
  end
  if is(find(conds, "Reconciling"), "True") or is(ready, "False") then
    return "Progressing", message(ready, waiting)
  end
  return "Progressing", waiting
end

-- Providers have only Ready: False means the credentials or endpoint failed
-- verification, which needs a change by a person.
local function provider(conds)
  local ready = find(conds, "Ready")
  if is(ready, "True") then
    return "Healthy", message(ready, "ready")
  end
  if is(ready, "False") then
    return "Degraded", message(ready, "not ready")
  end
  return "Progressing", message(ready, waiting)
end

if unobserved(obj) then
  hs.status = "Progressing"
  hs.message = waiting
elseif obj.kind == "Account" then
  hs.status, hs.message = account(obj.status.conditions)
else
  hs.status, hs.message = provider(obj.status.conditions)
end
return hs
