// Generated once from the seed text (DOMAIN.md); item texts are verbatim substrings of it.
#include "fieldsync/seed_scenario.h"

namespace fieldsync::seed {

const domain::PlanData& Plan31() {
  static const domain::PlanData data = [] {
    domain::PlanData d;
    d.plan = {"524b9b11-b14e-5ce1-8219-e0e305cce3fb", "31-KH/BCĐTP",
              "Kế hoạch tổ chức giám sát việc thực hiện quy chế dân chủ ở cơ sở năm 2023", "2023-05-19",
              "Chương trình công tác số 04-CTr/BCĐQCDC ngày 06 tháng 3 năm 2023 của Ban Chỉ đạo thành phố về thực hiện quy chế dân chủ ở cơ sở",
              "2023-07-06", "2023-07-11", "Thường trực Ban Chỉ đạo thành phố về thực hiện Quy chế dân chủ ở cơ sở"};
    d.templates = {{"71cf88d9-4663-50b7-8976-987cba40d3f0", "A", "Mẫu A – Quận, huyện, phường, xã, thị trấn", "Quận, huyện, Phường, xã, Thị trấn", 1},
                   {"13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B", "Mẫu B – Doanh nghiệp", "doanh nghiệp", 1}};
    d.items = {
        {"871b9d86-8bcd-5fe9-b876-d8bee6642418", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A1", "Quán triệt, triển khai văn bản về quy chế dân chủ ở cơ sở",
         "Cách làm, kinh nghiệm trong việc lãnh đạo, chỉ đạo của cấp ủy quán triệt, triển khai, tổ chức thực hiện các văn bản của Trung ương, của Chính phủ, của Thành ủy, Ủy ban nhân dân thành phố về việc thực hiện quy chế dân chủ ở cơ sở theo các loại hình.", 1},
        {"0c6782ee-b809-5b95-a68b-563cfe67db78", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A2", "Ban hành văn bản lãnh đạo, chỉ đạo và kết quả thực hiện",
         "Việc ban hành văn bản lãnh đạo, chỉ đạo và kết quả tổ chức thực hiện: củng cố, kiện toàn ban chỉ đạo, rà soát, hoàn thiện quy chế làm việc; công tác kiểm tra, giám sát; tập huấn bồi dưỡng; công tác tiếp xúc, đối thoại, giải quyết khiếu nại, tố cáo,… minh họa một số cách làm hiệu quả.", 2},
        {"1d98e83f-5b3f-5c32-8df9-8fea1f289cfd", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A3", "Giải pháp nâng cao hiệu quả công tác dân vận, cải cách thủ tục hành chính",
         "Các giải pháp để nâng cao hiệu quả công tác dân vận của các cơ quan Nhà nước, chính quyền các cấp, việc cải cách thủ tục hành chính gắn quy chế dân chủ ở cơ sở.", 3},
        {"a2c18dab-7d20-509f-a28b-f2f315a2d6a5", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A4", "Thực hiện chủ đề năm 2022 và 2023",
         "Việc thực hiện chủ đề năm 2022 “Thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19, tiếp tục nâng cao chất lượng xây dựng chính quyền đô thị, cải thiện môi trường đầu tư, đồng hành cùng doanh nghiệp”và 2023 “Nâng cao hiệu quả hoạt động công vụ, đẩy mạnh cải cách hành chính và cải thiện môi trường đầu tư; thúc đẩy phát triển kinh tế, đảm bảo an sinh xã hội”.", 4},
        {"974105a7-d3d8-55c4-ab53-58dfed0d928b", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A5", "Phối hợp với Mặt trận Tổ quốc và các tổ chức chính trị – xã hội",
         "Công tác phối hợp giữa chính quyền với Mặt trận Tổ quốc Việt Nam, các tổ chức chính trị – xã hội trong tuyên truyền, vận động, phát huy quyền làm chủ của Nhân dân tham gia các phong trào thi đua yêu nước, phong trào thi đua “Dân vận khéo” gắn với cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”", 5},
        {"ca89044c-511d-5fc3-961d-1af4de29fd33", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A6", "Thực hiện quy ước cộng đồng dân cư",
         "việc thực hiện quy ước cộng đồng dân cư", 6},
        {"5ebab4df-a9f9-5e26-9ac2-1796829c4001", "71cf88d9-4663-50b7-8976-987cba40d3f0", "A7", "Sắp xếp tổ chức bộ máy ở cơ sở",
         "việc sắp xếp lại tổ chức bộ máy ở phường, xã, thị trấn, khu phố, ấp, tổ dân phố,…", 7},
        {"1298e2d5-72a7-51a1-8927-c47102d89f83", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B1", "Lãnh đạo, chỉ đạo và ban hành văn bản tại doanh nghiệp",
         "Kết quả lãnh đạo, chỉ đạo của Đảng ủy, Ban Tổng giám đốc trong quán triệt, triển khai và ban hành văn bản thực hiện các chỉ đạo của Trung ương, của Chính phủ của Thành ủy, và Ủy ban nhân dân thành phố về thực hiện quy chế dân chủ ở cơ sở tại doanh nghiệp và các đơn vị trực thuộc.", 1},
        {"608bf57f-d149-5d55-8716-32a6ea5f8dc7", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B2", "Hội nghị người lao động, đối thoại định kỳ",
         "Kết quả việc tổ chức hội nghị người lao động, đối thoại định kỳ", 2},
        {"af30391d-f0e8-58a4-9893-aac359fca9f8", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B3", "Thỏa ước lao động tập thể, nội quy, quy chế",
         "việc\u00a0 xây dựng và thực hiện thỏa ước lao động tập thể, các nội quy, quy chế, quy định,… của doanh nghiệp.", 3},
        {"0f0f1064-fe35-5549-9734-aad29991642d", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B4", "Kiện toàn ban chỉ đạo, hoàn thiện quy chế làm việc",
         "Công tác củng cố, kiện toàn ban chỉ đạo, rà soát, hoàn thiện quy chế làm việc", 4},
        {"cc606a88-c032-5d9a-a447-f454b2e5967d", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B5", "Kiểm tra, giám sát; tập huấn; giải quyết khiếu nại, tố cáo",
         "công tác kiểm tra, giám sát của cấp ủy về thực hiện quy chế dân chủ ở cơ sở; tập huấn bồi dưỡng; giải quyết khiếu nại, tố cáo.", 5},
        {"81cf0722-9643-5ede-846f-63563298a30f", "13ad24ce-73de-5671-be0d-bcd7744f6f5e", "B6", "Phối hợp với Công đoàn, Đoàn thanh niên",
         "Công tác phối hợp giữa chính quyền với tổ chức Công đoàn, Đoàn thanh niên trong tham gia thực hiện công tác giám sát; phối hợp tổ chức hội nghị người lao động, hội nghị đối thoại, chăm lo cho người lao động.", 6},
    };
    d.visits = {
        {"42c3a879-6163-5c79-97b7-5582d3975282", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "V1", "2023-07-06", "Buổi làm việc 1: Quận ủy Quận 4 và Đảng ủy Phường 10 Quận 4"},
        {"aefd4b06-4f44-552b-b570-838482e7eea3", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "V2", "2023-07-07", "Buổi làm việc 2: Đảng ủy Tổng Công ty Công nghiệp Sài gòn – TNHH MTV và Đảng bộ Công ty TNHH MTV Cao su Thống Nhất"},
        {"f44a8029-a823-57df-bfc3-3ccc4d58f854", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "V3", "2023-07-11", "Buổi làm việc 3: Huyện ủy Cần Giờ và Đảng ủy Thị trấn Cần Thạnh"},
    };
    d.units = {
        {"630a417c-8e49-5dd0-87c3-628fcedb4ba2", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "Q4", "Quận ủy Quận 4", "district", "", "42c3a879-6163-5c79-97b7-5582d3975282", "71cf88d9-4663-50b7-8976-987cba40d3f0"},
        {"b425776a-9e85-5601-bbad-d42e2ecd450c", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "P10Q4", "Đảng ủy Phường 10 Quận 4", "ward", "630a417c-8e49-5dd0-87c3-628fcedb4ba2", "42c3a879-6163-5c79-97b7-5582d3975282", "71cf88d9-4663-50b7-8976-987cba40d3f0"},
        {"d110716f-b8c6-5025-a108-8b37569aeb15", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "CNSG", "Đảng ủy Tổng Công ty Công nghiệp Sài gòn – TNHH MTV", "enterprise_group", "", "aefd4b06-4f44-552b-b570-838482e7eea3", "13ad24ce-73de-5671-be0d-bcd7744f6f5e"},
        {"3e1cefa6-8a6c-5fca-a6a4-ce2219d44c75", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "CSTN", "Đảng bộ Công ty TNHH MTV Cao su Thống Nhất", "enterprise", "d110716f-b8c6-5025-a108-8b37569aeb15", "aefd4b06-4f44-552b-b570-838482e7eea3", "13ad24ce-73de-5671-be0d-bcd7744f6f5e"},
        {"a1e5ba7f-5bcc-509f-bf26-58b60d7fa429", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "CG", "Huyện ủy Cần Giờ", "rural_district", "", "f44a8029-a823-57df-bfc3-3ccc4d58f854", "71cf88d9-4663-50b7-8976-987cba40d3f0"},
        {"4ffb9fa1-5263-5002-a7c4-6a7c4e6ce728", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "TTCT", "Đảng ủy Thị trấn Cần Thạnh", "town", "a1e5ba7f-5bcc-509f-bf26-58b60d7fa429", "f44a8029-a823-57df-bfc3-3ccc4d58f854", "71cf88d9-4663-50b7-8976-987cba40d3f0"},
    };
    // The seed names the leader and the deputy; the two support-group members are fictional.
    d.members = {
        {"8feda0e5-8401-5bc1-be17-e267ee5ad776", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "luan", "Ngô Văn Luận", "Phó Trưởng Ban Dân vận Thành ủy, Thường trực Ban Chỉ đạo", "leader"},
        {"1d697f73-8df9-5725-9a12-63e492fd96c8", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "tham", "Nguyễn Thị Hồng Thắm", "Phó Giám đốc Sở Nội vụ thành phố, Thường trực Ban Chỉ đạo", "deputy"},
        {"568cf1a3-9f80-5347-a222-97dbaab10ec2", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "khoa", "Trần Minh Khoa", "Thành viên tổ giúp việc của Ban Chỉ đạo thành phố", "member"},
        {"00eea61b-e150-5426-af9e-8bc1bf9c50bd", "524b9b11-b14e-5ce1-8219-e0e305cce3fb", "ha", "Lê Thị Thu Hà", "Thành viên tổ giúp việc của Ban Chỉ đạo thành phố", "member"},
    };
    d.assignments = {
        {"aa248d6c-3c3e-5071-b236-a65df4260179", "42c3a879-6163-5c79-97b7-5582d3975282", "8feda0e5-8401-5bc1-be17-e267ee5ad776"},
        {"1b82d5af-32f0-5598-9652-00dda36658d2", "aefd4b06-4f44-552b-b570-838482e7eea3", "8feda0e5-8401-5bc1-be17-e267ee5ad776"},
        {"566c66a6-3401-5b4c-ad3a-937c45624879", "f44a8029-a823-57df-bfc3-3ccc4d58f854", "8feda0e5-8401-5bc1-be17-e267ee5ad776"},
        {"83003313-e2f6-5ef6-a59e-c70b9833114a", "42c3a879-6163-5c79-97b7-5582d3975282", "1d697f73-8df9-5725-9a12-63e492fd96c8"},
        {"481bc301-f9c2-5e86-a82e-a46fba04ab50", "aefd4b06-4f44-552b-b570-838482e7eea3", "1d697f73-8df9-5725-9a12-63e492fd96c8"},
        {"58f362e6-8135-592a-a80b-25a4a3d3e0c3", "f44a8029-a823-57df-bfc3-3ccc4d58f854", "1d697f73-8df9-5725-9a12-63e492fd96c8"},
        {"23ce3b3a-3600-542e-94c5-ce52af59b49a", "42c3a879-6163-5c79-97b7-5582d3975282", "568cf1a3-9f80-5347-a222-97dbaab10ec2"},
        {"dfc71eec-d09f-5361-9144-4ea8d34c7e31", "f44a8029-a823-57df-bfc3-3ccc4d58f854", "568cf1a3-9f80-5347-a222-97dbaab10ec2"},
        {"348eb232-ef1a-5169-9dac-682a9c959dfe", "aefd4b06-4f44-552b-b570-838482e7eea3", "00eea61b-e150-5426-af9e-8bc1bf9c50bd"},
    };
    return d;
  }();
  return data;
}

}  // namespace fieldsync::seed
