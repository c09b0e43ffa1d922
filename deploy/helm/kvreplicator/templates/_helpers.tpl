{{- define "kvreplicator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kvreplicator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "kvreplicator.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "kvreplicator.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kvreplicator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kvreplicator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kvreplicator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "kvreplicator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "kvreplicator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kvreplicator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kvreplicator.image" -}}
{{- $repository := required "image.repository is required: the image CI pushed (ghcr.io/<owner>/<repository>/kvrep-serve)" .Values.image.repository -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Pod labels and service account shared by the Deployment and the reconcile CronJob. */}}
{{- define "kvreplicator.podLabels" -}}
{{- if .Values.serviceAccount.azureClientId }}
azure.workload.identity/use: "true"
{{- end }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Configuration shared by serve and the reconcile CronJob: the mounted kvrep.json, then the environment. */}}
{{- define "kvreplicator.env" -}}
- name: ASPNETCORE_HTTP_PORTS
  value: "8080"
{{- range $name, $value := .Values.env }}
- name: {{ $name | quote }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kvreplicator.configVolume" -}}
- name: config
  configMap:
    name: {{ include "kvreplicator.fullname" . }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "kvreplicator.configMounts" -}}
- name: config
  mountPath: /etc/kvreplicator
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}
