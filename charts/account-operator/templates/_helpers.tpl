{{/* The chart name, or nameOverride. */}}
{{- define "account-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The base name of every object: fullnameOverride, else the release name when it
already contains the chart name, else "<release>-<chart>".
*/}}
{{- define "account-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The leader election Lease's name: one per release, see leaderElection.id. */}}
{{- define "account-operator.leaderElectionID" -}}
{{- .Values.leaderElection.id | default (printf "%s.accounts.operator.dev" (include "account-operator.fullname" .)) }}
{{- end }}

{{- define "account-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "account-operator.labels" -}}
helm.sh/chart: {{ include "account-operator.chart" . }}
{{ include "account-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: account-operator
{{- end }}

{{/* Labels that select the manager's pods; immutable once installed. */}}
{{- define "account-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "account-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "account-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "account-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The manager image; the tag defaults to "v" + appVersion, as the images are tagged. */}}
{{- define "account-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default (printf "v%s" .Chart.AppVersion)) }}
{{- end }}

{{/* Refuse values that would install a broken or unsafe manager. */}}
{{- define "account-operator.validate" -}}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int .Values.gracefulShutdownTimeoutSeconds) }}
{{- fail "terminationGracePeriodSeconds must be at least gracefulShutdownTimeoutSeconds, or the kubelet kills running reconciles" }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled: replicas would reconcile the same Accounts at once" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled" }}
{{- end }}
{{- if and .Values.metrics.certSecretName (not .Values.metrics.secure) }}
{{- fail "metrics.certSecretName needs metrics.secure" }}
{{- end }}
{{- end }}
