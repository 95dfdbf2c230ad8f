//! The fixed lists the demo draws from: districts and their pools (DOMAIN.md's public figures),
//! invented banks and a guarantor, industries (GB/T 4754-2017) with their IPC classes, and the
//! words that make enterprise names and patent titles. Every bank, guarantor and enterprise name
//! is invented.

pub struct District {
    pub office: &'static str,
    pub division_code: &'static str,
    pub city: &'static str,
    pub pool_name: &'static str,
    pub pool_size_yuan: i64,
    pub enterprises: usize,
    /// (gov, bank, guarantor, insurer) shares in basis points, per-loan cap in yuan, leverage in %.
    pub rule: (i32, i32, i32, i32, i64, i32),
}

/// The five pools of the reference platform, RMB 130 m in all.
pub const DISTRICTS: [District; 5] = [
    District {
        office: "北京市海淀区知识产权局",
        division_code: "110108",
        city: "北京",
        pool_name: "海淀区知识产权质押融资风险处置资金池",
        pool_size_yuan: 40_000_000,
        enterprises: 160,
        rule: (4000, 3000, 3000, 0, 5_000_000, 1000),
    },
    District {
        office: "北京市顺义区知识产权局",
        division_code: "110113",
        city: "北京",
        pool_name: "顺义区知识产权质押融资风险补偿资金池",
        pool_size_yuan: 25_000_000,
        enterprises: 70,
        rule: (4000, 6000, 0, 0, 4_000_000, 1000),
    },
    District {
        office: "北京市门头沟区知识产权局",
        division_code: "110109",
        city: "北京",
        pool_name: "门头沟区知识产权质押融资风险补偿资金池",
        pool_size_yuan: 15_000_000,
        enterprises: 40,
        rule: (5000, 5000, 0, 0, 3_000_000, 1000),
    },
    District {
        office: "北京市房山区知识产权局",
        division_code: "110111",
        city: "北京",
        pool_name: "房山区知识产权质押融资风险补偿资金池",
        pool_size_yuan: 20_000_000,
        enterprises: 60,
        rule: (5400, 3000, 0, 1600, 3_000_000, 1000),
    },
    District {
        office: "天津市滨海新区知识产权局",
        division_code: "120116",
        city: "天津",
        pool_name: "滨海新区知识产权质押融资风险处置资金池",
        pool_size_yuan: 30_000_000,
        enterprises: 90,
        rule: (4000, 3000, 3000, 0, 5_000_000, 800),
    },
];

/// Invented bank names (no real institution), with a short English name.
pub const BANKS: [(&str, &str); 12] = [
    ("京北科创银行", "Jingbei Sci-Tech Bank"),
    ("燕岭商业银行", "Yanling Commercial Bank"),
    ("华瑞发展银行", "Huarui Development Bank"),
    ("永定河银行", "Yongdinghe Bank"),
    ("潮白河农商银行", "Chaobaihe Rural Commercial Bank"),
    ("西山科技银行", "Xishan Technology Bank"),
    ("金台商业银行", "Jintai Commercial Bank"),
    ("昌平信诚银行", "Changping Xincheng Bank"),
    ("津港商业银行", "Jingang Commercial Bank"),
    ("渤海湾科技银行", "Bohai Bay Technology Bank"),
    ("首信银行", "Shouxin Bank"),
    ("中科融通银行", "Zhongke Rongtong Bank"),
];

pub const GUARANTOR: &str = "京知融资担保有限公司";

pub struct Industry {
    pub code: &'static str,
    pub word: &'static str,
    pub ipc: &'static [&'static str],
    pub titles: &'static [&'static str],
    pub weight: f64,
}

pub const INDUSTRIES: [Industry; 8] = [
    Industry {
        code: "I65",
        word: "信息科技",
        ipc: &[
            "G06F 16/27",
            "G06F 21/62",
            "H04L 9/32",
            "G06Q 40/03",
            "G06N 3/08",
            "H04L 67/10",
        ],
        titles: &[
            "分布式数据同步方法",
            "数据访问权限控制方法",
            "基于区块链的身份认证方法",
            "供应链金融风险评估方法",
            "神经网络模型压缩方法",
            "边缘计算任务调度系统",
        ],
        weight: 0.26,
    },
    Industry {
        code: "C39",
        word: "微电子",
        ipc: &[
            "H01L 21/02",
            "H04W 72/04",
            "H05K 7/20",
            "G06F 1/16",
            "H01Q 1/38",
        ],
        titles: &[
            "半导体晶圆清洗装置",
            "无线资源分配方法",
            "电子设备散热结构",
            "可折叠终端铰链机构",
            "毫米波天线阵列",
        ],
        weight: 0.16,
    },
    Industry {
        code: "C27",
        word: "生物医药",
        ipc: &[
            "A61K 31/506",
            "A61P 35/00",
            "C07D 401/14",
            "C12N 15/113",
            "A61K 9/20",
        ],
        titles: &[
            "激酶抑制剂化合物及其制备方法",
            "抗肿瘤药物组合物",
            "杂环化合物及其医药用途",
            "小干扰核酸分子及其应用",
            "缓释片剂及其制备方法",
        ],
        weight: 0.13,
    },
    Industry {
        code: "C35",
        word: "智能装备",
        ipc: &[
            "B25J 9/16",
            "B23K 26/38",
            "G01N 21/88",
            "F16H 57/02",
            "B65G 47/90",
        ],
        titles: &[
            "工业机器人路径规划方法",
            "激光切割头调焦装置",
            "表面缺陷视觉检测系统",
            "精密减速器壳体",
            "物料分拣抓取机构",
        ],
        weight: 0.12,
    },
    Industry {
        code: "C38",
        word: "新能源",
        ipc: &["H01M 10/42", "H02J 7/00", "H02K 1/27", "H01M 4/525"],
        titles: &[
            "电池管理系统均衡电路",
            "储能变流器充放电控制方法",
            "永磁同步电机转子结构",
            "高镍正极材料及其制备方法",
        ],
        weight: 0.11,
    },
    Industry {
        code: "C40",
        word: "仪器",
        ipc: &["G01N 30/02", "G01R 31/36", "G01B 11/24", "G01D 5/353"],
        titles: &[
            "色谱分析进样装置",
            "电池内阻在线检测方法",
            "三维形貌测量系统",
            "光纤传感解调方法",
        ],
        weight: 0.08,
    },
    Industry {
        code: "M73",
        word: "技术研究",
        ipc: &["C12N 9/10", "A61B 5/00", "C08L 67/04", "G16H 50/20"],
        titles: &[
            "重组酶的筛选方法",
            "可穿戴生理参数监测装置",
            "可降解聚酯复合材料",
            "辅助诊断模型训练方法",
        ],
        weight: 0.08,
    },
    Industry {
        code: "N77",
        word: "环境科技",
        ipc: &["C02F 3/30", "B01D 53/86", "B09B 3/00", "C02F 1/44"],
        titles: &[
            "污水生物脱氮处理工艺",
            "烟气催化脱硝装置",
            "固体废物资源化处理方法",
            "膜法水处理系统",
        ],
        weight: 0.06,
    },
];

pub const NAME_FIRST: [&str; 25] = [
    "瑞", "博", "睿", "智", "达", "恒", "远", "华", "科", "创", "新", "泰", "英", "思", "联", "信",
    "晟", "弘", "嘉", "乾", "朗", "铭", "拓", "卓", "骏",
];
pub const NAME_SECOND: [&str; 20] = [
    "芯", "源", "图", "辰", "衡", "微", "迈", "捷", "锐", "途", "澜", "曦", "航", "鼎", "维", "德",
    "驰", "凯", "川", "峰",
];

pub const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
pub const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "婷",
];

/// The event types of RISK.md §1, with the source that reports each.
pub const RISK_EVENT_TYPES: [(&str, &str); 21] = [
    ("abnormal_operation_listing", "samr"),
    ("revenue_drop", "tax"),
    ("tax_arrears", "tax"),
    ("headcount_drop", "social_insurance"),
    ("equity_freeze", "court"),
    ("lawsuit_defendant", "court"),
    ("enforcement", "court"),
    ("dishonest_debtor", "court"),
    ("consumption_ban", "court"),
    ("bankruptcy_filing", "court"),
    ("overdue_30", "bank"),
    ("overdue_90", "bank"),
    ("other_bank_overdue", "credit_bureau"),
    ("guarantee_default", "credit_bureau"),
    ("credit_inquiry_surge", "credit_bureau"),
    ("fee_grace", "cnipa"),
    ("invalidation_request", "cnipa"),
    ("patent_lapsed", "cnipa"),
    ("ownership_transfer", "cnipa"),
    ("patent_freeze", "cnipa"),
    ("ltv_breach", "bank"),
];
