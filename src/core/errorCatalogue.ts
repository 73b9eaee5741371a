/**
 * The closed catalogue of error codes. Every error the API returns carries one of these
 * codes; clients and tests rely on them staying stable, so never rename a code — add one.
 * Messages are templates: `{name}` is replaced from the error's params.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, zh: '请求数据不符合要求', en: 'The request is invalid' },
  FIELD_REQUIRED: { status: 400, zh: '缺少必填字段', en: 'This field is required' },
  FIELD_TYPE: { status: 400, zh: '类型应为{type}', en: 'Must be of type {type}' },
  FIELD_FORMAT: { status: 400, zh: '格式不正确，应为{format}', en: 'Must be in {format} format' },
  FIELD_PATTERN: { status: 400, zh: '格式不正确', en: 'Has the wrong format' },
  FIELD_TOO_LONG: { status: 400, zh: '长度不能超过{limit}', en: 'Must not be longer than {limit}' },
  FIELD_TOO_SHORT: { status: 400, zh: '长度不能少于{limit}', en: 'Must not be shorter than {limit}' },
  FIELD_TOO_MANY: { status: 400, zh: '条目不能超过{limit}个', en: 'Must not have more than {limit} items' },
  FIELD_TOO_FEW: { status: 400, zh: '条目不能少于{limit}个', en: 'Must have at least {limit} items' },
  FIELD_TOO_FEW_PROPERTIES: {
    status: 400,
    zh: '至少需要填写{limit}个字段',
    en: 'Must have at least {limit} fields',
  },
  FIELD_DUPLICATE_ITEMS: {
    status: 400,
    zh: '第{first}项与第{second}项重复',
    en: 'Items {first} and {second} are the same',
  },
  FIELD_OUT_OF_RANGE: { status: 400, zh: '数值应{comparison}{limit}', en: 'Must be {comparison} {limit}' },
  FIELD_NOT_ALLOWED: { status: 400, zh: '不允许的值，可选值：{allowed}', en: 'Must be one of: {allowed}' },
  FIELD_UNKNOWN: { status: 400, zh: '不认识的字段', en: 'Unknown field' },
  INVALID_DATE: { status: 400, zh: '日期无效：{reason}', en: 'Invalid date: {reason}' },
  INVALID_ID_NUMBER: {
    status: 400,
    zh: '身份证号码无效：{reason}',
    en: 'Invalid resident ID number: {reason}',
  },
  INVALID_AREA_CODE: {
    status: 400,
    zh: '区划代码无效：{reason}',
    en: 'Invalid area code: {reason}',
  },
  UNKNOWN_AREA: { status: 400, zh: '区划代码{code}不存在', en: 'Area {code} does not exist' },
  UNKNOWN_VARIABLE: {
    status: 400,
    zh: '变量{name}未在变量目录中登记',
    en: 'Variable {name} is not in the catalogue',
  },
  INVALID_FACT_VALUE: {
    status: 400,
    zh: '变量{name}的取值无效：{reason}',
    en: 'Invalid value for {name}: {reason}',
  },
  INVALID_RELATIONSHIP: {
    status: 400,
    zh: '与户主关系代码{code}不符合GB/T 4761-2008',
    en: 'Relationship code {code} is not a GB/T 4761-2008 code',
  },
  INVALID_PERIOD: {
    status: 400,
    zh: '结束日期{to}不能早于开始日期{from}',
    en: 'End {to} is before start {from}',
  },
  // 400 rather than 413: every refusal of input is a 400 with a path, one rule for clients.
  BODY_TOO_LARGE: {
    status: 400,
    zh: '请求体过大，上限为{limit}字节',
    en: 'The request body is larger than the limit of {limit} bytes',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是有效的JSON', en: 'The request body is not valid JSON' },
  AREA_NOT_FOUND: { status: 404, zh: '找不到区划{code}', en: 'Area {code} not found' },
  PERSON_NOT_FOUND: { status: 404, zh: '找不到该人员', en: 'Person not found' },
  HOUSEHOLD_NOT_FOUND: { status: 404, zh: '找不到该家庭', en: 'Household not found' },
  PORTRAIT_TAG_NOT_FOUND: { status: 404, zh: '没有画像标签 {code}', en: 'No portrait tag {code}' },
  POLICY_NOT_FOUND: { status: 404, zh: '政策库中没有政策 {id}', en: 'No policy {id} in the pool' },
  PARAMETER_NOT_FOUND: { status: 404, zh: '没有参数 {name}', en: 'No parameter {name}' },
  FINDING_NOT_FOUND: { status: 404, zh: '找不到该线索', en: 'Finding not found' },
  SIMULATION_PARAMETER_UNKNOWN: {
    status: 400,
    zh: '没有参数 {name}，无法模拟',
    en: 'No parameter {name} to simulate',
  },
  SIMULATION_VALUE_TYPE: {
    status: 400,
    zh: '参数 {name} 的取值应为{type}',
    en: 'The value of {name} should be {type}',
  },
  VISIT_PLAN_NOT_FOUND: { status: 404, zh: '找不到该走访计划', en: 'Visit plan not found' },
  VISIT_NOT_ON_PLAN: {
    status: 404,
    zh: '该家庭不在此走访计划中',
    en: 'The household is not on this visit plan',
  },
  SCREENING_RUN_NOT_FOUND: { status: 404, zh: '找不到该次筛查', en: 'Screening run not found' },
  POLICY_POOL_INVALID: {
    status: 422,
    zh: '政策库有错误，仍使用上一版本（{version}）：{message}',
    en: 'The policy pool has an error; the previous version ({version}) stays in use: {message}',
  },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在：{method} {url}', en: 'No such endpoint: {method} {url}' },
  AREA_CONFLICT: { status: 409, zh: '区划操作冲突：{reason}', en: 'Area change refused: {reason}' },
  PERSON_EXISTS: {
    status: 409,
    zh: '该身份证号码已登记',
    en: 'A person with this ID number is already registered',
  },
  HOUSEHOLD_CONFLICT: { status: 409, zh: '家庭成员冲突：{reason}', en: 'Household conflict: {reason}' },
  RATE_LIMITED: {
    status: 429,
    zh: '请求过于频繁，请{seconds}秒后再试',
    en: 'Too many requests, try again in {seconds} seconds',
  },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Please sign in' },
  SESSION_EXPIRED: {
    status: 401,
    zh: '登录已超时，请重新登录',
    en: 'Your session has expired, please sign in again',
  },
  LOGIN_FAILED: {
    status: 401,
    zh: '用户名或密码错误，还可尝试{remaining}次',
    en: 'Wrong user name or password; {remaining} attempts left',
  },
  ACCOUNT_LOCKED: {
    status: 403,
    zh: '密码错误次数过多，账号已锁定，请{minutes}分钟后再试',
    en: 'Too many failed sign-ins: the account is locked for {minutes} minutes',
  },
  ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'The account is disabled' },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    zh: '请先修改{reason}',
    en: 'Change your password first ({reason})',
  },
  PASSWORD_POLICY: {
    status: 400,
    zh: '新密码不符合要求：{reason}',
    en: 'The new password is not allowed: {reason}',
  },
  WRONG_PASSWORD: { status: 400, zh: '原密码不正确', en: 'The current password is wrong' },
  AREA_OUT_OF_SCOPE: {
    status: 403,
    zh: '区划{code}不在您的管辖范围内',
    en: 'Area {code} is outside your area of responsibility',
  },
  TOTP_REQUIRED: { status: 401, zh: '请输入动态口令', en: 'Enter the one-time code from your authenticator' },
  TOTP_SETUP_REQUIRED: {
    status: 403,
    zh: '管理员须先绑定动态口令（TOTP）',
    en: 'Administrators must bind a TOTP authenticator first',
  },
  TOTP_INVALID: { status: 400, zh: '动态口令不正确', en: 'The one-time code is wrong' },
  FORBIDDEN: { status: 403, zh: '没有“{permission}”权限', en: 'Missing permission “{permission}”' },
  ROLE_SEPARATION: {
    status: 400,
    zh: '角色分配违反三员分立：{reason}',
    en: 'Role assignment breaks the separation of duties: {reason}',
  },
  SETTING_INVALID: {
    status: 400,
    zh: '“{name}”的取值无效：{reason}',
    en: 'Invalid value for “{name}”: {reason}',
  },
  SETTING_NOT_FOUND: { status: 404, zh: '找不到设置项{key}', en: 'Setting {key} not found' },
  ROLE_NOT_FOUND: { status: 404, zh: '找不到角色{code}', en: 'Role {code} not found' },
  ROLE_LAST_HOLDER: {
    status: 409,
    zh: '不能收回最后一位在用账号的“{role}”角色，否则无人承担该职责',
    en: 'Cannot take the role “{role}” from its last active holder: nobody would do that job',
  },
  BUILTIN_ROLE_PROTECTED: {
    status: 400,
    zh: '内置角色“{role}”不能这样修改：{reason}',
    en: 'Built-in role “{role}” cannot be changed this way: {reason}',
  },
  USER_NOT_FOUND: { status: 404, zh: '找不到该用户', en: 'User not found' },
  USER_EXISTS: { status: 409, zh: '用户名{username}已被使用', en: 'User name {username} is taken' },
  AUDIT_RETENTION: {
    status: 400,
    zh: '审计记录须至少保存{months}个月：归档截止日期不能晚于{latest}',
    en: 'Audit records must be kept for {months} months: archive only before {latest} or earlier',
  },
  AUDIT_RETENTION_MINIMUM: {
    status: 400,
    zh: '审计记录保存期不能少于{minimum}个月（等保三级要求），当前设置为{months}个月',
    en: 'The audit retention period cannot be shorter than {minimum} months (MLPS level 3); it is set to {months}',
  },
  AUDIT_CHAIN_BROKEN: {
    status: 409,
    zh: '审计链被破坏，不能归档：{reason}',
    en: 'The audit chain is broken and cannot be archived: {reason}',
  },
  AUDIT_ARCHIVE_EXISTS: {
    status: 409,
    zh: '归档文件{file}已存在，不会覆盖',
    en: 'The archive file {file} exists and is not overwritten',
  },
  AUDIT_ARCHIVE_INVALID: {
    status: 400,
    zh: '审计归档文件无效：{reason}',
    en: 'The audit archive file is invalid: {reason}',
  },
  // Ingest: row-level problems (line and column travel with the problem) and file-level ones.
  INGEST_REQUIRED: { status: 400, zh: '缺少必填项“{column}”', en: 'Required column "{column}" is empty' },
  INGEST_BAD_ID_NUMBER: {
    status: 400,
    zh: '身份证号“{value}”无效：{reason}',
    en: 'ID number "{value}" is invalid: {reason}',
  },
  INGEST_BAD_DATE: {
    status: 400,
    zh: '日期“{value}”无法识别，应为{formats}',
    en: 'Date "{value}" is not recognised; expected {formats}',
  },
  INGEST_UNKNOWN_CODE: {
    status: 400,
    zh: '代码“{value}”不在本数据源的代码表中，可选：{allowed}',
    en: 'Code "{value}" is not in this feed\'s code table; allowed: {allowed}',
  },
  INGEST_BAD_VALUE: { status: 400, zh: '“{value}”无效：{reason}', en: '"{value}" is invalid: {reason}' },
  INGEST_PERSON_NOT_FOUND: {
    status: 400,
    zh: '登记库中没有与此行匹配的人员（{by}）',
    en: 'No person in the registry matches this row ({by})',
  },
  INGEST_DUPLICATE_ROW: {
    status: 400,
    zh: '与已导入的记录重复（第{line}行或此前的导入）',
    en: 'Duplicates a record already imported (line {line} or an earlier import)',
  },
  INGEST_MISSING_COLUMNS: {
    status: 400,
    zh: '文件缺少以下列：{columns}（请使用本数据源的导入模板）',
    en: "The file lacks these columns: {columns} (use this feed's import template)",
  },
  INGEST_UNREADABLE_FILE: {
    status: 400,
    zh: '文件无法按{format}格式读取：{reason}',
    en: 'The file cannot be read as {format}: {reason}',
  },
  INGEST_LINE_TOO_LONG: {
    status: 400,
    zh: '第{line}行超过{limit}字节，文件可能已损坏或不是文本文件',
    en: 'Line {line} is longer than {limit} bytes; the file may be damaged or not text',
  },
  INGEST_ENCODING: {
    status: 400,
    zh: '文件编码无法识别（不是UTF-8，也不是GBK）：第{line}行',
    en: 'The file is neither UTF-8 nor GBK (line {line})',
  },
  UPLOAD_TOO_LARGE: {
    status: 413,
    zh: '文件超过{limit}，请分批上传或联系管理员',
    en: 'The file is larger than {limit}; split it or ask an administrator',
  },
  UPLOAD_NOT_A_FILE: {
    status: 415,
    zh: '请以文件本身作为请求体上传（Content-Type: application/octet-stream）',
    en: 'Send the file itself as the request body (Content-Type: application/octet-stream)',
  },
  UPLOAD_EMPTY: { status: 400, zh: '上传的文件是空的', en: 'The uploaded file is empty' },
  INGEST_MALFORMED_RECORD: {
    status: 400,
    zh: '这条记录无法按{format}格式读取：{reason}',
    en: 'This record cannot be read as {format}: {reason}',
  },
  UNKNOWN_FEED: { status: 404, zh: '数据源{feed}不存在', en: 'Feed {feed} does not exist' },
  IMPORT_NOT_FOUND: { status: 404, zh: '导入批次不存在', en: 'Import not found' },
  LINK_REVIEW_NOT_FOUND: { status: 404, zh: '待匹配记录不存在', en: 'Link review not found' },
  LINK_REVIEW_DECIDED: {
    status: 409,
    zh: '该记录已由他人处理',
    en: 'Someone else has already decided this record',
  },
  MERGE_SELF: { status: 400, zh: '不能把人员合并到其本人', en: 'A person cannot be merged into itself' },
  MERGE_ALREADY_MERGED: {
    status: 409,
    zh: '{role}已合并到其他人员，不能再参与合并',
    en: 'The {role} has already been merged into another person',
  },
  MERGE_DIFFERENT_IDS: {
    status: 409,
    zh: '两人的身份证号码不同（不是同一号码的15位与18位形式），请核实确属同一人后勾选确认并说明理由',
    en: 'The two persons have different ID numbers; confirm they are one person and give a reason',
  },
  MERGE_NOT_FOUND: { status: 404, zh: '找不到该合并记录', en: 'Merge not found' },
  MERGE_ALREADY_SPLIT: {
    status: 409,
    zh: '该合并已于{at}拆分',
    en: 'This merge was already split on {at}',
  },
  MERGE_SPLIT_BLOCKED: {
    status: 409,
    zh: '保留人员此后又被合并到其他人员，请先拆分那次合并',
    en: 'The survivor was merged again later: split that merge first',
  },
  FEED_NOT_ALLOWED: {
    status: 403,
    zh: '只能导入本部门（{department}）的数据',
    en: 'You may only import your own department’s feeds ({department})',
  },
  SCREENING_IN_PROGRESS: {
    status: 409,
    zh: '已有一次政策筛查正在进行（{startedAt}开始），请等待其完成',
    en: 'A screening run is already in progress (started {startedAt}); wait for it to finish',
  },
  FINDING_TRANSITION_INVALID: {
    status: 409,
    zh: '线索当前为“{status}”，不能{action}',
    en: 'The finding is {status}; it cannot be {action}',
  },
  FINDING_RESOLUTION_REQUIRED: {
    status: 400,
    zh: '办结线索需要说明结果：已纳入保障、核实后不符合或本人放弃',
    en: 'Resolving a finding needs an outcome: enrolled, not eligible after checking, or declined',
  },
  IMPORT_IN_PROGRESS: {
    status: 409,
    zh: '同一文件正在由{worker}导入，请等待其完成',
    en: 'The same file is being imported by {worker}; wait for it to finish',
  },
  AUDIT_UNAVAILABLE: {
    status: 503,
    zh: '审计日志暂时无法写入，涉及个人信息的操作已暂停，请稍后再试',
    en: 'The audit log cannot be written at the moment; operations on personal data are paused, try again later',
  },
  ASSESSMENT_MODEL_INVALID: {
    status: 422,
    zh: '评估模型有 {count} 处问题，未保存也未启用',
    en: 'The assessment model has {count} problem(s); it was neither saved nor activated',
  },
  ASSESSMENT_MODEL_NOT_FOUND: {
    status: 404,
    zh: '找不到评估模型 {id}',
    en: 'Assessment model {id} not found',
  },
  ASSESSMENT_LABEL: {
    status: 400,
    zh: '应为中英文名称 { zh: …, en: … }，两者都不能为空',
    en: 'Must be a name in Chinese and English { zh: …, en: … }, neither empty',
  },
  ASSESSMENT_DUPLICATE_ID: { status: 400, zh: '标识 {id} 重复', en: 'The id {id} is used twice' },
  ASSESSMENT_NUMBER: {
    status: 400,
    zh: '“{value}”不是数：请写分数（如 1/3）或小数（如 0.25）',
    en: '"{value}" is not a number: write a fraction (1/3) or a decimal (0.25)',
  },
  ASSESSMENT_K_RANGE: {
    status: 400,
    zh: '贫困临界值 k = {k}，应大于 0 且不超过 1',
    en: 'The poverty cutoff k = {k} must be above 0 and at most 1',
  },
  ASSESSMENT_BAND_RANGE: {
    status: 400,
    zh: '分档线 {min} 应在 0 到 1 之间',
    en: 'The band line {min} must lie between 0 and 1',
  },
  ASSESSMENT_WEIGHT_RANGE: {
    status: 400,
    zh: '权重 {weight} 应大于 0',
    en: 'The weight {weight} must be above 0',
  },
  ASSESSMENT_WEIGHTS_SUM: {
    status: 400,
    zh: '各指标权重之和为 {sum}，应恰好为 1',
    en: 'The indicator weights sum to {sum}; they must sum to exactly 1',
  },
  ASSESSMENT_CUTOFF: {
    status: 400,
    zh: '剥夺方向为 {direction} 的指标需要数值临界值 cutoff（flag 指标不设临界值）',
    en: 'An indicator deprived {direction} needs a numeric cutoff (a flag has none)',
  },
  ASSESSMENT_EXPRESSION: {
    status: 400,
    zh: '指标取值表达式有误：{reason}',
    en: 'The indicator value expression is wrong: {reason}',
  },
  ASSESSMENT_UNKNOWN_VARIABLE: {
    status: 400,
    zh: '引用了未知变量“{name}”{hint}',
    en: 'Refers to an unknown variable "{name}"{hint}',
  },
  ASSESSMENT_VALUE_TYPE: {
    status: 400,
    zh: '指标取值应为 {expected}（number 为数值，boolean 为是/否），实际为 {actual}',
    en: 'The indicator value must be {expected}; it is {actual}',
  },
  ASSESSMENT_CASE_FAILED: {
    status: 400,
    zh: '用例“{case}”不符：{reason}',
    en: 'Case "{case}" fails: {reason}',
  },
  INTERNAL: { status: 500, zh: '系统内部错误，请稍后再试', en: 'Internal error, please try again later' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
