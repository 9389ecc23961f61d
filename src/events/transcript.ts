/**
 * One turn of a conversation transcript, as `post_call_transcription` sends it in `data.transcript`.
 *
 * Source: the official JS SDK, @elevenlabs/elevenlabs-js 2.73, wire types
 * (`serialization/types/*.d.ts`, `Raw` interfaces): ConversationHistoryTranscriptResponseModel and
 * the models it references (named beside each schema). `?:` there is optional here and `| null`
 * nullable; what the SDK marks as always present stays optional (house rules, common.ts).
 */
import { Type, type Static } from '@sinclair/typebox'
import { LooseObject, Nullable } from './common.js'

/** Which agent (branch, version, workflow node) produced a transcript turn. */
export const TranscriptAgentMetadata = Type.Object({
  agent_id: Type.Optional(Type.String({ description: 'The agent that produced the turn' })),
  branch_id: Type.Optional(Nullable(Type.String({ description: 'Agent branch' }))),
  workflow_node_id: Type.Optional(Nullable(Type.String({ description: 'Workflow node active for the turn' }))),
  version_id: Type.Optional(Nullable(Type.String({ description: 'Agent version' })))
}, { title: 'Transcript agent metadata', description: 'Which agent produced a transcript turn (SDK: AgentMetadata)' })

const StringMap = (description: string) => Type.Record(Type.String(), Type.String(), { description })

/** The HTTP request a webhook tool made. */
export const ToolCallWebhookDetails = Type.Object({
  type: Type.Optional(Nullable(Type.String({ description: 'known value: webhook' }))),
  method: Type.Optional(Type.String({ description: 'HTTP method' })),
  url: Type.Optional(Type.String({ description: 'URL called' })),
  headers: Type.Optional(Nullable(StringMap('Request headers'))),
  path_params: Type.Optional(Nullable(StringMap('Path parameters'))),
  query_params: Type.Optional(Nullable(StringMap('Query parameters'))),
  body: Type.Optional(Nullable(Type.String({ description: 'Request body' })))
}, { title: 'Webhook tool call details', description: 'A webhook tool request (SDK: ConversationHistoryTranscriptToolCallWebhookDetails)' })

/**
 * What a tool call did. The SDK has one model per tool kind, tagged by `type` (webhook, client,
 * mcp, api_integration_webhook); their fields are merged here, all optional, so that a kind added
 * later still passes. `parameters` is a JSON string for client tools and a map for MCP tools.
 */
export const ToolCallDetails = Type.Object({
  ...ToolCallWebhookDetails.properties,
  type: Type.Optional(Nullable(Type.String({ description: 'Tool kind; known values: webhook, client, mcp, api_integration_webhook' }))),
  parameters: Type.Optional(Nullable(Type.Union([
    Type.String({ description: 'Client tools: the parameters as a JSON string' }),
    StringMap('MCP tools: the parameters by name')
  ], { description: 'The call parameters' }))),
  mcp_server_id: Type.Optional(Type.String({ description: 'MCP server called' })),
  mcp_server_name: Type.Optional(Type.String({ description: 'Its name' })),
  integration_type: Type.Optional(Type.String({ description: 'MCP integration type' })),
  approval_policy: Type.Optional(Type.String({ description: 'MCP approval policy' })),
  requires_approval: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the MCP call needed approval' }))),
  mcp_tool_name: Type.Optional(Nullable(Type.String({ description: 'MCP tool name' }))),
  mcp_tool_description: Type.Optional(Nullable(Type.String({ description: 'MCP tool description' }))),
  integration_id: Type.Optional(Type.String({ description: 'API integration (api_integration_webhook tools)' })),
  credential_id: Type.Optional(Type.String({ description: 'Credential of the API integration' })),
  integration_connection_id: Type.Optional(Type.String({ description: 'Connection of the API integration' })),
  webhook_details: Type.Optional(ToolCallWebhookDetails)
}, {
  title: 'Tool call details',
  description: 'Kind-specific details of a tool call (SDK: ConversationHistoryTranscriptToolCall{Webhook,Client,Mcp,ApiIntegrationWebhook}Details)'
})

/** A tool call made by the agent during a turn. */
export const TranscriptToolCall = Type.Object({
  type: Type.Optional(Nullable(Type.String({
    description: 'Tool type; known values: system, webhook, client, mcp, workflow, api_integration_webhook, api_integration_mcp, smb'
  }))),
  request_id: Type.Optional(Type.String({ description: 'ID of the tool request' })),
  tool_name: Type.Optional(Type.String({ description: 'Name of the tool called' })),
  params_as_json: Type.Optional(Type.String({ description: 'The call parameters, as a JSON string' })),
  tool_has_been_called: Type.Optional(Type.Boolean({ description: 'Whether the tool was actually called' })),
  tool_details: Type.Optional(Nullable(ToolCallDetails))
}, { title: 'Transcript tool call', description: 'A tool call in a transcript turn (SDK: ConversationHistoryTranscriptToolCallCommonModelOutput)' })

/** A dynamic variable changed by a tool. */
export const DynamicVariableUpdate = Type.Object({
  variable_name: Type.Optional(Type.String({ description: 'The dynamic variable updated' })),
  old_value: Type.Optional(Nullable(Type.String({ description: 'Value before the update' }))),
  new_value: Type.Optional(Type.String({ description: 'Value after the update' })),
  updated_at: Type.Optional(Type.Number({ description: 'When the update happened (unix seconds)' })),
  tool_name: Type.Optional(Type.String({ description: 'Tool that made the update' })),
  tool_request_id: Type.Optional(Type.String({ description: 'Tool request that made the update' }))
}, { title: 'Dynamic variable update', description: 'A dynamic variable changed by a tool (SDK: DynamicVariableUpdateCommonModel)' })

/**
 * The result of a tool call. The SDK has one model per tool kind (other, system, workflow,
 * api_integration_webhook); they share these fields. `result` stays free-form: system tools send
 * one of 21 result models tagged by `result_type`, workflow tools a list of steps that nests
 * further tool calls and results.
 */
export const TranscriptToolResult = Type.Object({
  type: Type.Optional(Nullable(Type.String({
    description: 'Tool type; known values: client, webhook, mcp, code, system, workflow, api_integration_webhook'
  }))),
  request_id: Type.Optional(Type.String({ description: 'ID of the tool request this answers' })),
  tool_name: Type.Optional(Type.String({ description: 'Name of the tool' })),
  result_value: Type.Optional(Type.String({ description: 'The tool result, as a string' })),
  is_error: Type.Optional(Type.Boolean({ description: 'Whether the tool call failed' })),
  is_blocked: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the call was blocked' }))),
  tool_has_been_called: Type.Optional(Type.Boolean({ description: 'Whether the tool was actually called' })),
  tool_latency_secs: Type.Optional(Nullable(Type.Number({ description: 'Tool latency in seconds' }))),
  error_type: Type.Optional(Nullable(Type.String({ description: 'Error type, when the call failed' }))),
  raw_error_message: Type.Optional(Nullable(Type.String({ description: 'Raw error message, when the call failed' }))),
  dynamic_variable_updates: Type.Optional(Nullable(Type.Array(DynamicVariableUpdate, { description: 'Dynamic variables the tool changed' }))),
  result: Type.Optional(Nullable(LooseObject({ description: 'Structured result (system tools: tagged by `result_type`; workflow tools: `steps`)' }))),
  integration_id: Type.Optional(Type.String({ description: 'API integration (api_integration_webhook tools)' })),
  credential_id: Type.Optional(Type.String({ description: 'Credential of the API integration' })),
  integration_connection_id: Type.Optional(Type.String({ description: 'Connection of the API integration' }))
}, { title: 'Transcript tool result', description: 'The result of a tool call in a transcript turn (SDK: ConversationHistoryTranscript*ToolsResultCommonModel*)' })

/** Feedback the user gave on one agent turn. */
export const TranscriptTurnFeedback = Type.Object({
  score: Type.Optional(Type.String({ description: 'known values: like, dislike' })),
  time_in_call_secs: Type.Optional(Type.Number({ description: 'When the feedback was given, seconds into the call' }))
}, { title: 'Turn feedback', description: 'User feedback on a transcript turn (SDK: UserFeedback)' })

/**
 * Latency metrics of a turn. The SDK nests them under `metrics`; the documented example puts
 * `{ "convai_llm_service_ttfb": { "elapsed_time": 0.37 } }` at the top: both pass.
 */
export const ConversationTurnMetrics = Type.Object({
  metrics: Type.Optional(Nullable(Type.Record(Type.String(), Type.Object({
    elapsed_time: Type.Optional(Type.Number({ description: 'Elapsed time in seconds' }))
  }, { title: 'Metric record', description: 'One latency measurement' }), { description: 'Latency measurements by metric name' }))),
  convai_asr_provider: Type.Optional(Nullable(Type.String({ description: 'Speech recognition provider used' }))),
  convai_tts_model: Type.Optional(Nullable(Type.String({ description: 'TTS model used' }))),
  convai_tts_cascade: Type.Optional(Nullable(Type.String({ description: 'TTS cascade used' }))),
  voice_id: Type.Optional(Nullable(Type.String({ description: 'Voice used for the turn' })))
}, { title: 'Conversation turn metrics', description: 'Latency metrics of a transcript turn (SDK: ConversationTurnMetrics)' })

/** A message spoken by several voices, part by part. */
export const MultivoiceMessage = Type.Object({
  parts: Type.Optional(Type.Array(Type.Object({
    text: Type.Optional(Type.String({ description: 'What was said' })),
    voice_label: Type.Optional(Nullable(Type.String({ description: 'The voice that said it' }))),
    time_in_call_secs: Type.Optional(Nullable(Type.Number({ description: 'When, seconds into the call' })))
  }, { title: 'Multivoice message part', description: 'One voice\'s part (SDK: ConversationHistoryMultivoiceMessagePartModel)' }), { description: 'The parts, in order' }))
}, { title: 'Multivoice message', description: 'The message split by voice (SDK: ConversationHistoryMultivoiceMessageModel)' })

/** What the knowledge base (RAG) retrieved for a turn. */
export const RagRetrievalInfo = Type.Object({
  chunks: Type.Optional(Type.Array(Type.Object({
    document_id: Type.Optional(Type.String({ description: 'Document the chunk is from' })),
    chunk_id: Type.Optional(Type.String({ description: 'The chunk' })),
    vector_distance: Type.Optional(Type.Number({ description: 'Distance to the query' }))
  }, { title: 'RAG chunk', description: 'A retrieved chunk (SDK: RagChunkMetadata)' }), { description: 'Chunks retrieved' })),
  embedding_model: Type.Optional(Type.String({ description: 'known values: e5_mistral_7b_instruct, multilingual_e5_large_instruct' })),
  retrieval_query: Type.Optional(Type.String({ description: 'The query used' })),
  rag_latency_secs: Type.Optional(Type.Number({ description: 'Retrieval latency in seconds' })),
  used_chunk_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Chunks the answer used' })))
}, { title: 'RAG retrieval info', description: 'Knowledge-base retrieval details (SDK: RagRetrievalInfo)' })

/** Tokens and price of one category of LLM usage. */
const LlmTokens = Type.Object({
  tokens: Type.Optional(Nullable(Type.Number({ description: 'Tokens used' }))),
  price: Type.Optional(Nullable(Type.Number({ description: 'Their price' })))
}, { title: 'LLM tokens', description: 'Tokens and price (SDK: LlmTokensCategoryUsage)' })

/** LLM usage by model. */
export const LlmUsage = Type.Object({
  model_usage: Type.Optional(Nullable(Type.Record(Type.String(), Type.Object({
    input: Type.Optional(Nullable(LlmTokens)),
    input_cache_read: Type.Optional(Nullable(LlmTokens)),
    input_cache_write: Type.Optional(Nullable(LlmTokens)),
    output_total: Type.Optional(Nullable(LlmTokens))
  }, { title: 'LLM model usage', description: 'Usage of one model (SDK: LlmInputOutputTokensUsage)' }), { description: 'Usage by model name' })))
}, { title: 'LLM usage', description: 'LLM token usage (SDK: LlmUsageOutput)' })

/** A summary of the LLM's reasoning for a turn. */
export const ConversationReasoning = Type.Object({
  summary: Type.Optional(Nullable(Type.String({ description: 'Reasoning summary' }))),
  provider_redact: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the provider redacted it' })))
}, { title: 'Reasoning', description: 'LLM reasoning of a turn (SDK: ConversationReasoningModel)' })

/** A guardrail the turn triggered. */
export const TriggeredGuardrail = Type.Object({
  guardrail_type: Type.Optional(Type.String({
    description: 'known values include custom, prompt_injection, self_harm_intent, violence, harassment, hate, profanity, medical_and_legal, guardrail…'
  })),
  guardrail_name: Type.Optional(Nullable(Type.String({ description: 'Name of a custom guardrail' })))
}, { title: 'Triggered guardrail', description: 'A guardrail triggered by the turn (SDK: TriggeredGuardrailCommonModel)' })

/** A file the user sent in a turn. */
export const TranscriptFileInput = Type.Object({
  file_id: Type.Optional(Type.String({ description: 'The file' })),
  original_filename: Type.Optional(Type.String({ description: 'Its name when uploaded' })),
  mime_type: Type.Optional(Type.String({ description: 'Its MIME type' })),
  file_url: Type.Optional(Type.String({ description: 'Where to download it (a signed URL)' }))
}, { title: 'File input', description: 'A file sent in the conversation (SDK: ConversationHistoryTranscriptFileInputResponseModel)' })

/** One turn of the conversation transcript. */
export const TranscriptTurn = Type.Object({
  role: Type.Optional(Type.String({ description: 'Who spoke; known values: user, agent' })),
  agent_metadata: Type.Optional(Nullable(TranscriptAgentMetadata)),
  message: Type.Optional(Nullable(Type.String({ description: 'What was said' }))),
  multivoice_message: Type.Optional(Nullable(MultivoiceMessage)),
  tool_calls: Type.Optional(Nullable(Type.Array(TranscriptToolCall, { description: 'Tool calls made in this turn' }))),
  tool_results: Type.Optional(Nullable(Type.Array(TranscriptToolResult, { description: 'Tool results received in this turn' }))),
  feedback: Type.Optional(Nullable(TranscriptTurnFeedback)),
  llm_override: Type.Optional(Nullable(Type.String({ description: 'LLM override used for the turn' }))),
  producing_llm: Type.Optional(Nullable(Type.String({ description: 'LLM that produced the turn' }))),
  time_in_call_secs: Type.Optional(Type.Number({ description: 'When the turn happened, seconds into the call' })),
  conversation_turn_metrics: Type.Optional(Nullable(ConversationTurnMetrics)),
  rag_retrieval_info: Type.Optional(Nullable(RagRetrievalInfo)),
  llm_usage: Type.Optional(Nullable(LlmUsage)),
  interrupted: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the turn was interrupted' }))),
  ignored_as_backchannel: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the turn was ignored as a backchannel ("mhm")' }))),
  platform_event: Type.Optional(Nullable(Type.String({ description: 'Platform event of the turn; known values: user_turn_timeout, skip_turn_wait_elapsed' }))),
  original_message: Type.Optional(Nullable(Type.String({ description: 'The message before any rewriting' }))),
  reasoning: Type.Optional(Nullable(Type.Array(ConversationReasoning, { description: 'LLM reasoning summaries' }))),
  source_medium: Type.Optional(Nullable(Type.String({ description: 'How the message arrived; known values: audio, dtmf, text, image, file' }))),
  source_event_id: Type.Optional(Nullable(Type.Number({ description: 'ID of the event the turn came from' }))),
  used_static_kb_document_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Knowledge-base documents used in the prompt' }))),
  user_identifier: Type.Optional(Nullable(Type.String({ description: 'Which user spoke (multi-user conversations)' }))),
  id: Type.Optional(Nullable(Type.String({ description: 'ID of the turn' }))),
  triggered_guardrails: Type.Optional(Nullable(Type.Array(TriggeredGuardrail, { description: 'Guardrails the turn triggered' }))),
  file_input: Type.Optional(Nullable(TranscriptFileInput)),
  file_inputs: Type.Optional(Nullable(Type.Array(TranscriptFileInput, { description: 'Files sent in the turn' }))),
  contextual_update_info: Type.Optional(Nullable(Type.Object({
    context_id: Type.Optional(Type.String({ description: 'The contextual update' })),
    is_superseded: Type.Optional(Nullable(Type.Boolean({ description: 'Whether a later update replaced it' })))
  }, { title: 'Contextual update info', description: 'The contextual update behind the turn (SDK: ContextualUpdateInfo)' }))),
  reasoned: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the LLM reasoned for the turn' })))
}, { title: 'Transcript turn', description: 'One turn of the conversation (SDK: ConversationHistoryTranscriptResponseModel)' })
export type TranscriptTurn = Static<typeof TranscriptTurn>
